// Printed codes: QR codes (libqrencode) as SVG and PNG, and A4 label sheets as PDF (cairo +
// pango, with a CJK font from fonts-noto-cjk) carrying a QR code and the Chinese text of
// each label. Pure rendering: callers give the text; nothing here reads the database.
// Thread-safety: plain functions, callable from any thread; each call has its own surfaces.
// QR codes render concurrently; sheets render one at a time per process, because Pango and
// fontconfig state is shared (a sheet of 240 labels takes about half a second of CPU).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace longnan::label {

struct QrOptions {
  int module_px = 8;  // pixels per module: the PNG's resolution, the SVG's width and height (1 to 32)
  int margin = 4;     // quiet zone, in modules (the standard asks for 4; 0 to 16)
  char level = 'M';   // error correction: L, M, Q, H
};

// The QR code of `text` (UTF-8, usually a GS1 Digital Link URI) in byte mode, so the bytes
// are carried exactly as given, as an SVG document (a white background rect and one path of
// the dark modules, viewBox in modules including the quiet zone) or an 8-bit greyscale PNG
// with whole pixels per module. Validation error on field "text" when it is empty or longer
// than a QR code holds (2331 bytes at level M), on "module_px", "margin" or "level" when an
// option is out of range.
core::Result<std::string> qr_svg(const std::string& text, const QrOptions& options = {});
core::Result<std::string> qr_png(const std::string& text, const QrOptions& options = {});

// One label of a sheet.
struct Label {
  std::string uri;                 // what the QR code carries
  std::string title;               // product name, Chinese (e.g. 成县核桃 500g)
  std::vector<std::string> lines;  // producer, village, lot, date …; empty entries are skipped
  std::string badge;               // e.g. 承诺达标合格证; empty: none
};

// A4 sheets of labels in a grid of `columns` × `rows` per page (margins in mm), as many
// pages as the labels need. Each cell holds the QR code (level M, 4-module quiet zone,
// drawn as vector outlines) on the left and, on the right, the title in bold on up to two
// lines, one line per entry of `lines` while they fit, and the badge in a thin box at the
// bottom, in Noto Sans CJK SC, ellipsised to the cell. Text is shown, never interpreted:
// invalid UTF-8 appears as U+FFFD, and text beyond 200 characters is cut.
struct SheetOptions {
  int columns = 3;       // 1 to 20
  int rows = 8;          // 1 to 40
  double margin_mm = 8;  // 0 to 50
  double gap_mm = 2;     // between cells, 0 to 50
};
// Validation errors: "labels" when there are none (a blank sheet of label stock is never
// what was meant) or more than 10,000; "labels[i].uri" when a URI is empty, too long for a
// QR code, or would need modules under 0.25 mm in these cells; "columns", "rows",
// "margin_mm" or "gap_mm" when out of range or the cells would be under 15 mm.
core::Result<std::string> label_sheet_pdf(const std::vector<Label>& labels, const SheetOptions& options = {});

}  // namespace longnan::label
