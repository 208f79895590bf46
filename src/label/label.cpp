// QR codes and label sheets. libqrencode makes the module matrix (byte mode, so a URI's case
// and any UTF-8 are carried as they are); the SVG is written by hand, the PNG is an A8 cairo
// image filled pixel by pixel, and the PDF is a cairo PDF surface with the text laid out by
// Pango in Noto Sans CJK.
#include "label/label.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>

namespace longnan::label {
namespace {

constexpr double kA4WidthPt = 595.28;
constexpr double kA4HeightPt = 841.89;
constexpr double kPtPerMm = 72.0 / 25.4;
constexpr int kSheetQuietZone = 4;     // modules; the standard's quiet zone, kept inside the cell
constexpr double kCellPaddingMm = 2;   // between the cell edge, the QR code and the text
constexpr double kQrShare = 0.45;      // at most this share of the width left after padding goes to the code
constexpr double kMinCellMm = 15;      // smaller cells cannot hold a code and a line of text
constexpr double kMinModuleMm = 0.25;  // below this, phone cameras and label printers fail
constexpr size_t kMaxLabels = 10000;   // ~420 pages of 3 × 8; bounds the work of one request
constexpr long kMaxTextChars = 200;    // a cell shows far fewer; spares Pango from laying out megabytes
constexpr const char* kFontFamily = "Noto Sans CJK SC";

// The symbol as libqrencode returns it: width × width modules, row-major, bit 0 set = dark.
using Symbol = std::unique_ptr<QRcode, decltype(&QRcode_free)>;

bool dark(const QRcode& symbol, int x, int y) { return (symbol.data[y * symbol.width + x] & 1) != 0; }

// Calls `run(x, y, length)` for each horizontal run of dark modules, in reading order.
template <class Run>
void for_each_dark_run(const QRcode& symbol, Run run) {
  for (int y = 0; y < symbol.width; ++y) {
    for (int x = 0; x < symbol.width;) {
      if (!dark(symbol, x, y)) {
        ++x;
        continue;
      }
      int start = x;
      while (x < symbol.width && dark(symbol, x, y)) ++x;
      run(start, y, x - start);
    }
  }
}

// Outlines each dark region of the symbol with move(x, y), line(x, y) and close(), in module
// units, one vertex per corner, dark on the right of the direction of travel (so holes wind
// the other way and the nonzero rule fills exactly the dark modules). One outline per region
// leaves no seams between modules for anti-aliasing to show, and has about a third fewer
// vertices than a rectangle per run.
template <class Move, class Line, class Close>
void trace_outlines(const QRcode& symbol, Move move, Line line, Close close) {
  constexpr int kDx[4] = {1, 0, -1, 0};  // right, down, left, up: clockwise on the page
  constexpr int kDy[4] = {0, 1, 0, -1};
  const int points = symbol.width + 1;  // lattice points per row
  auto is_dark = [&](int x, int y) {
    return x >= 0 && y >= 0 && x < symbol.width && y < symbol.width && dark(symbol, x, y);
  };
  // Bit d of edges[point] is set while the unit edge leaving `point` in direction d is untraced.
  std::vector<uint8_t> edges(static_cast<size_t>(points) * points);
  for (int y = 0; y < symbol.width; ++y) {
    for (int x = 0; x < symbol.width; ++x) {
      if (!is_dark(x, y)) continue;
      if (!is_dark(x, y - 1)) edges[y * points + x] |= 1 << 0;
      if (!is_dark(x + 1, y)) edges[y * points + x + 1] |= 1 << 1;
      if (!is_dark(x, y + 1)) edges[(y + 1) * points + x + 1] |= 1 << 2;
      if (!is_dark(x - 1, y)) edges[(y + 1) * points + x] |= 1 << 3;
    }
  }
  // The first point in reading order with an untraced edge is a corner of its outline.
  for (int start = 0; start < points * points; ++start) {
    while (edges[start] != 0) {
      int x = start % points;
      int y = start / points;
      int direction = std::countr_zero(edges[start]);
      move(x, y);
      for (;;) {
        edges[y * points + x] &= ~(1 << direction);
        x += kDx[direction];
        y += kDy[direction];
        uint8_t leaving = edges[y * points + x];
        if (leaving == 0) break;  // back at the start
        int next = direction;
        for (int turn : {1, 0, 3}) {
          if (leaving & (1 << ((direction + turn) % 4))) {
            next = (direction + turn) % 4;
            break;
          }
        }
        if (next != direction) line(x, y);
        direction = next;
      }
      close();
    }
  }
}

core::Result<QRecLevel> parse_level(char level) {
  switch (level) {
    case 'L':
      return QR_ECLEVEL_L;
    case 'M':
      return QR_ECLEVEL_M;
    case 'Q':
      return QR_ECLEVEL_Q;
    case 'H':
      return QR_ECLEVEL_H;
    default:
      return core::invalid("level", "must be L, M, Q or H");
  }
}

// Byte capacity of the largest symbol (version 40) at each level, for the error message.
int max_bytes(QRecLevel level) {
  switch (level) {
    case QR_ECLEVEL_L:
      return 2953;
    case QR_ECLEVEL_M:
      return 2331;
    case QR_ECLEVEL_Q:
      return 1663;
    default:
      return 1273;
  }
}

// The smallest symbol that holds `text` in byte mode at `level`; `field` names the input in errors.
core::Result<Symbol> encode(const std::string& text, QRecLevel level, const std::string& field) {
  if (text.empty()) return core::invalid(field, "is empty; a QR code needs text to carry");
  auto too_long = [&] {
    return core::invalid(field, "is " + std::to_string(text.size()) + " bytes; a QR code holds at most " +
                                    std::to_string(max_bytes(level)) + " at this error correction level");
  };
  if (text.size() > static_cast<size_t>(max_bytes(level))) return too_long();
  errno = 0;
  Symbol symbol(
      QRcode_encodeData(static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0, level),
      &QRcode_free);
  if (symbol) return symbol;
  if (errno == ERANGE) return too_long();
  if (errno == ENOMEM) throw std::bad_alloc();
  throw std::runtime_error(std::string("libqrencode failed: ") + std::strerror(errno));
}

core::Result<Symbol> encode_with_options(const std::string& text, const QrOptions& options) {
  if (options.module_px < 1 || options.module_px > 32) return core::invalid("module_px", "must be 1 to 32");
  if (options.margin < 0 || options.margin > 16) return core::invalid("margin", "must be 0 to 16 modules");
  auto level = parse_level(options.level);
  if (!level) return level.error();
  return encode(text, *level, "text");
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void check(cairo_status_t status, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error(std::string(what) + ": " + cairo_status_to_string(status));
}

using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;
using FontDescription = std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)>;
template <class T>
struct GObjectDeleter {
  void operator()(T* object) const { g_object_unref(object); }
};
template <class T>
using GObjectPtr = std::unique_ptr<T, GObjectDeleter<T>>;

// Pango and fontconfig keep global state and a PangoFontMap may not be used from two threads
// at once, so all sheets share one font map (its glyph caches then serve every call) and
// render one at a time under this lock. The font map lives as long as the process.
struct TextEngine {
  std::mutex mutex;
  PangoFontMap* font_map = pango_cairo_font_map_new();
};

TextEngine& text_engine() {
  static TextEngine engine;
  return engine;
}

// `text` as Pango and cairo take it: invalid UTF-8, and the noncharacters cairo refuses to put in
// a PDF (U+FDD0 to U+FDEF, U+xxFFFE, U+xxFFFF), become U+FFFD; cut to kMaxTextChars.
std::string printable(const std::string& text) {
  std::unique_ptr<gchar, decltype(&g_free)> valid(g_utf8_make_valid(text.data(), static_cast<gssize>(text.size())),
                                                  &g_free);
  std::string shown;
  long count = 0;
  for (const gchar* at = valid.get(); *at != '\0' && count < kMaxTextChars; at = g_utf8_next_char(at), ++count) {
    gunichar c = g_utf8_get_char(at);
    if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) c = 0xFFFD;
    char utf8[6];
    shown.append(utf8, g_unichar_to_utf8(c, utf8));
  }
  return shown;
}

FontDescription font(double size_pt, PangoWeight weight) {
  FontDescription description(pango_font_description_new(), &pango_font_description_free);
  pango_font_description_set_family(description.get(), kFontFamily);
  pango_font_description_set_weight(description.get(), weight);
  pango_font_description_set_size(description.get(), static_cast<int>(size_pt * PANGO_SCALE));
  return description;
}

// `text` in `width_pt`, wrapped to at most `max_lines` lines and ellipsised at the end.
GObjectPtr<PangoLayout> layout_text(PangoContext* context, const std::string& text, const FontDescription& font,
                                    double width_pt, int max_lines) {
  GObjectPtr<PangoLayout> layout(pango_layout_new(context));
  std::string shown = printable(text);
  pango_layout_set_text(layout.get(), shown.data(), static_cast<int>(shown.size()));
  pango_layout_set_font_description(layout.get(), font.get());
  pango_layout_set_single_paragraph_mode(layout.get(), TRUE);
  pango_layout_set_width(layout.get(), static_cast<int>(width_pt * PANGO_SCALE));
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height(layout.get(), -max_lines);
  pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
  return layout;
}

double height_pt(PangoLayout* layout) {
  int width = 0;
  int height = 0;
  pango_layout_get_size(layout, &width, &height);
  return static_cast<double>(height) / PANGO_SCALE;
}

// Where the labels go on a page, in points.
struct Grid {
  int columns;
  int rows;
  double margin;
  double gap;
  double cell_width;
  double cell_height;
  double padding;
  double qr_side;  // the QR code with its quiet zone, a square at the cell's left
};

core::Result<Grid> make_grid(const SheetOptions& options) {
  if (options.columns < 1 || options.columns > 20) return core::invalid("columns", "must be 1 to 20");
  if (options.rows < 1 || options.rows > 40) return core::invalid("rows", "must be 1 to 40");
  if (!std::isfinite(options.margin_mm) || options.margin_mm < 0 || options.margin_mm > 50)
    return core::invalid("margin_mm", "must be 0 to 50");
  if (!std::isfinite(options.gap_mm) || options.gap_mm < 0 || options.gap_mm > 50)
    return core::invalid("gap_mm", "must be 0 to 50");
  Grid grid{options.columns, options.rows, options.margin_mm * kPtPerMm, options.gap_mm * kPtPerMm};
  grid.cell_width = (kA4WidthPt - 2 * grid.margin - (grid.columns - 1) * grid.gap) / grid.columns;
  grid.cell_height = (kA4HeightPt - 2 * grid.margin - (grid.rows - 1) * grid.gap) / grid.rows;
  if (grid.cell_width < kMinCellMm * kPtPerMm || grid.cell_height < kMinCellMm * kPtPerMm)
    return core::invalid("columns", "cells would be smaller than 15 mm; use fewer columns or rows");
  grid.padding = kCellPaddingMm * kPtPerMm;
  grid.qr_side = std::min(grid.cell_height - 2 * grid.padding, (grid.cell_width - 3 * grid.padding) * kQrShare);
  return grid;
}

// The symbol with its quiet zone filling the square of `side` at (x, y), as one black path.
void draw_symbol(cairo_t* cr, const QRcode& symbol, double x, double y, double side) {
  double module = side / (symbol.width + 2 * kSheetQuietZone);
  double origin_x = x + kSheetQuietZone * module;
  double origin_y = y + kSheetQuietZone * module;
  trace_outlines(
      symbol, [&](int at_x, int at_y) { cairo_move_to(cr, origin_x + at_x * module, origin_y + at_y * module); },
      [&](int at_x, int at_y) { cairo_line_to(cr, origin_x + at_x * module, origin_y + at_y * module); },
      [&] { cairo_close_path(cr); });
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_fill(cr);
}

void show(cairo_t* cr, PangoLayout* layout, double x, double y) {
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
}

// The badge in a thin box at the bottom of the text column; returns the box's top.
double draw_badge(cairo_t* cr, PangoContext* context, const std::string& badge, double size_pt, double x, double bottom,
                  double width) {
  double inset = size_pt * 0.3;
  auto layout = layout_text(context, badge, font(size_pt, PANGO_WEIGHT_BOLD), width - 2 * inset, 1);
  PangoRectangle logical;
  pango_layout_get_extents(layout.get(), nullptr, &logical);
  double box_width = static_cast<double>(logical.width) / PANGO_SCALE + 2 * inset;
  double box_height = height_pt(layout.get()) + inset;
  double top = bottom - box_height;
  cairo_set_line_width(cr, 0.6);
  cairo_rectangle(cr, x + 0.3, top + 0.3, box_width - 0.6, box_height - 0.6);
  cairo_stroke(cr);
  show(cr, layout.get(), x + inset, top + inset / 2);
  return top;
}

// The title (bold, up to two lines), then one line per non-empty entry of `lines` while they
// fit, and the badge at the bottom, all in the column right of the QR code.
void draw_text(cairo_t* cr, PangoContext* context, const Label& label, double x, double top, double bottom,
               double width, double cell_height) {
  double title_pt = std::clamp(cell_height * 0.1, 7.0, 12.0);
  cairo_set_source_rgb(cr, 0, 0, 0);
  double limit = bottom;
  if (!label.badge.empty()) limit = draw_badge(cr, context, label.badge, title_pt * 0.72, x, bottom, width) - 1;
  double y = top;
  if (!label.title.empty()) {
    auto layout = layout_text(context, label.title, font(title_pt, PANGO_WEIGHT_BOLD), width, 2);
    if (y + height_pt(layout.get()) > limit) return;
    show(cr, layout.get(), x, y);
    y += height_pt(layout.get()) + title_pt * 0.15;
  }
  FontDescription line_font = font(title_pt * 0.8, PANGO_WEIGHT_NORMAL);
  for (const std::string& line : label.lines) {
    if (line.empty()) continue;
    auto layout = layout_text(context, line, line_font, width, 1);
    double line_height = height_pt(layout.get());
    if (y + line_height > limit) return;
    show(cr, layout.get(), x, y);
    y += line_height;
  }
}

void draw_label(cairo_t* cr, PangoContext* context, const Label& label, const QRcode& symbol, const Grid& grid,
                double x, double y) {
  draw_symbol(cr, symbol, x + grid.padding, y + (grid.cell_height - grid.qr_side) / 2, grid.qr_side);
  double text_x = x + 2 * grid.padding + grid.qr_side;
  draw_text(cr, context, label, text_x, y + grid.padding, y + grid.cell_height - grid.padding,
            grid.cell_width - 3 * grid.padding - grid.qr_side, grid.cell_height);
}

// REQUIRES: the text engine's lock is held; symbols[i] encodes labels[i].uri.
std::string render_sheets(const std::vector<Label>& labels, const std::vector<Symbol>& symbols, const Grid& grid,
                          PangoFontMap* font_map) {
  std::string pdf;
  Surface surface(cairo_pdf_surface_create_for_stream(append_to_string, &pdf, kA4WidthPt, kA4HeightPt),
                  &cairo_surface_destroy);
  check(cairo_surface_status(surface.get()), "creating the PDF surface");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, "Traceability labels");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Longnan");
  Context cr(cairo_create(surface.get()), &cairo_destroy);
  GObjectPtr<PangoContext> context(pango_font_map_create_context(font_map));
  pango_context_set_language(context.get(), pango_language_from_string("zh-cn"));
  pango_cairo_context_set_resolution(context.get(), 72);  // font sizes in points = PDF units
  pango_cairo_update_context(cr.get(), context.get());
  size_t per_page = static_cast<size_t>(grid.columns) * grid.rows;
  for (size_t index = 0; index < labels.size(); ++index) {
    size_t slot = index % per_page;
    if (slot == 0 && index > 0) cairo_show_page(cr.get());
    double x = grid.margin + static_cast<double>(slot % grid.columns) * (grid.cell_width + grid.gap);
    double y = grid.margin + static_cast<double>(slot / grid.columns) * (grid.cell_height + grid.gap);
    draw_label(cr.get(), context.get(), labels[index], *symbols[index], grid, x, y);
  }
  check(cairo_status(cr.get()), "drawing the labels");
  cr.reset();
  cairo_surface_finish(surface.get());
  check(cairo_surface_status(surface.get()), "writing the PDF");
  return pdf;
}

}  // namespace

core::Result<std::string> qr_svg(const std::string& text, const QrOptions& options) {
  auto symbol = encode_with_options(text, options);
  if (!symbol) return symbol.error();
  std::string side = std::to_string((*symbol)->width + 2 * options.margin);
  std::string side_px = std::to_string(((*symbol)->width + 2 * options.margin) * options.module_px);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + side + " " + side + "\" width=\"" +
                    side_px + "\" height=\"" + side_px + "\" shape-rendering=\"crispEdges\"><rect width=\"" + side +
                    "\" height=\"" + side + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  for_each_dark_run(**symbol, [&](int x, int y, int length) {
    std::string run = std::to_string(length);
    svg += "M" + std::to_string(x + options.margin) + " " + std::to_string(y + options.margin) + "h" + run + "v1h-" +
           run + "z";
  });
  svg += "\"/></svg>\n";
  return svg;
}

core::Result<std::string> qr_png(const std::string& text, const QrOptions& options) {
  auto symbol = encode_with_options(text, options);
  if (!symbol) return symbol.error();
  const QRcode& code = **symbol;
  int side_px = (code.width + 2 * options.margin) * options.module_px;
  // cairo writes an A8 image as an 8-bit grayscale PNG whose grey is the alpha: 0xFF is white.
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_A8, side_px, side_px), &cairo_surface_destroy);
  check(cairo_surface_status(surface.get()), "creating the PNG image");
  cairo_surface_flush(surface.get());
  unsigned char* pixels = cairo_image_surface_get_data(surface.get());
  int stride = cairo_image_surface_get_stride(surface.get());
  for (int y_px = 0; y_px < side_px; ++y_px) {
    unsigned char* row = pixels + static_cast<ptrdiff_t>(y_px) * stride;
    int module_y = y_px / options.module_px - options.margin;
    for (int x_px = 0; x_px < side_px; ++x_px) {
      int module_x = x_px / options.module_px - options.margin;
      bool inside = module_x >= 0 && module_x < code.width && module_y >= 0 && module_y < code.width;
      row[x_px] = inside && dark(code, module_x, module_y) ? 0x00 : 0xFF;
    }
  }
  cairo_surface_mark_dirty(surface.get());
  std::string png;
  check(cairo_surface_write_to_png_stream(surface.get(), append_to_string, &png), "writing the PNG");
  return png;
}

core::Result<std::string> label_sheet_pdf(const std::vector<Label>& labels, const SheetOptions& options) {
  auto grid = make_grid(options);
  if (!grid) return grid.error();
  if (labels.empty()) return core::invalid("labels", "no labels to print");
  if (labels.size() > kMaxLabels)
    return core::invalid("labels", "at most " + std::to_string(kMaxLabels) + " labels per sheet request");
  std::vector<Symbol> symbols;
  symbols.reserve(labels.size());
  for (size_t index = 0; index < labels.size(); ++index) {
    std::string field = "labels[" + std::to_string(index) + "].uri";
    auto symbol = encode(labels[index].uri, QR_ECLEVEL_M, field);
    if (!symbol) return symbol.error();
    double module_mm = grid->qr_side / kPtPerMm / ((*symbol)->width + 2 * kSheetQuietZone);
    if (module_mm < kMinModuleMm)
      return core::invalid(field, "is too long to print legibly in cells this small; use fewer columns or rows");
    symbols.push_back(std::move(*symbol));
  }
  TextEngine& engine = text_engine();
  std::lock_guard lock(engine.mutex);
  return render_sheets(labels, symbols, *grid, engine.font_map);
}

}  // namespace longnan::label
