// Printed codes checked the way a scanner and a printer see them: PNGs and PDF pages rendered
// with pdftoppm are decoded with zbarimg, the PDF's fonts and text are read back with
// pdffonts and pdftotext (zbar-tools and poppler-utils, installed by scripts/setup.sh).
#include "label/label.h"

#include <cairo.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <pugixml.hpp>
#include <regex>
#include <sstream>
#include <thread>

namespace longnan::label {
namespace {

namespace fs = std::filesystem;

const std::string kUri = "https://trace.example.cn/01/06901234567892/10/LOT-2026-001";

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "longnan-label-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& name, const std::string& bytes) const {
    fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
  }

 private:
  fs::path path_;
};

// Standard output of a shell command. Paths passed in come from TempDir: no quoting needed.
std::string run(const std::string& command) {
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), &pclose);
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::string out;
  char buffer[4096];
  while (size_t read = fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, read);
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// What zbarimg reads in the images, one entry per code found.
std::vector<std::string> decode(const std::vector<fs::path>& images) {
  std::string command = "zbarimg --nodbus --raw -q";
  for (const fs::path& image : images) command += " " + image.string();
  return split_lines(run(command));
}

// The pages of `pdf` rendered at 150 dpi by pdftoppm, in page order: PNG files for `format`
// "png", binary greyscale PGM files for "gray" (no PNG compression: several times faster).
std::vector<fs::path> rasterise(const TempDir& dir, const std::string& pdf, const std::string& format = "png") {
  fs::path file = dir.write("sheet.pdf", pdf);
  std::string prefix = "page-" + format;
  run("pdftoppm -r 150 -" + format + " " + file.string() + " " + (dir.path() / prefix).string());
  std::vector<fs::path> pages;
  for (const auto& entry : fs::directory_iterator(dir.path()))
    if (entry.path().filename().string().starts_with(prefix)) pages.push_back(entry.path());
  std::sort(pages.begin(), pages.end());
  return pages;
}

// Where a label's cell lies on its page, in points (the grid label_sheet_pdf documents).
struct CellBox {
  double x, y, width, height;
};
CellBox cell_box(const SheetOptions& options, size_t slot) {
  constexpr double kPtPerMm = 72 / 25.4;
  double margin = options.margin_mm * kPtPerMm;
  double gap = options.gap_mm * kPtPerMm;
  double width = (595.28 - 2 * margin - (options.columns - 1) * gap) / options.columns;
  double height = (841.89 - 2 * margin - (options.rows - 1) * gap) / options.rows;
  return {margin + static_cast<double>(slot % options.columns) * (width + gap),
          margin + static_cast<double>(slot / options.columns) * (height + gap), width, height};
}

// A binary PGM image ("P5", 8-bit grey), the form pdftoppm -gray writes.
struct Gray {
  int width = 0;
  int height = 0;
  std::string pixels;  // row-major, one byte per pixel
};

Gray read_pgm(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string magic;
  int max_value = 0;
  Gray image;
  in >> magic >> image.width >> image.height >> max_value;
  in.get();
  EXPECT_EQ(magic, "P5");
  EXPECT_EQ(max_value, 255);
  image.pixels.resize(static_cast<size_t>(image.width) * image.height);
  in.read(image.pixels.data(), static_cast<std::streamsize>(image.pixels.size()));
  return image;
}

// One PGM per label, cut from the greyscale pages along the cells of the grid, so that
// zbarimg sees one code per image: on a whole page its QR finder gives up after 8192
// unmatched finder-pattern triples (zbar qrdec.c) and misses a few codes of a full sheet
// however crisp they are, while a scanner in the field sees one label at a time.
std::vector<fs::path> cut_cells(const TempDir& dir, const std::vector<fs::path>& pages, const SheetOptions& options,
                                size_t count) {
  constexpr double kPxPerPt = 150.0 / 72;
  size_t per_page = static_cast<size_t>(options.columns) * options.rows;
  std::vector<fs::path> cells;
  Gray page;
  for (size_t index = 0; index < count; ++index) {
    if (index % per_page == 0) page = read_pgm(pages.at(index / per_page));
    CellBox box = cell_box(options, index % per_page);
    int left = static_cast<int>(box.x * kPxPerPt);
    int top = static_cast<int>(box.y * kPxPerPt);
    int width = std::min(static_cast<int>(std::ceil((box.x + box.width) * kPxPerPt)), page.width) - left;
    int height = std::min(static_cast<int>(std::ceil((box.y + box.height) * kPxPerPt)), page.height) - top;
    cells.push_back(dir.path() / ("cell-" + std::to_string(index) + ".pgm"));
    std::ofstream out(cells.back(), std::ios::binary);
    out << "P5\n" << width << " " << height << "\n255\n";
    for (int row = top; row < top + height; ++row) out.write(page.pixels.data() + row * page.width + left, width);
  }
  return cells;
}

// What zbarimg reads in each image, in the order of `images`.
std::vector<std::vector<std::string>> decode_each(const std::vector<fs::path>& images) {
  std::string command = "zbarimg --nodbus -q --xml";
  for (const fs::path& image : images) command += " " + image.string();
  pugi::xml_document document;
  EXPECT_TRUE(document.load_string(run(command).c_str()));
  std::map<std::string, std::vector<std::string>> by_file;
  for (pugi::xml_node source : document.child("barcodes").children("source"))
    for (pugi::xml_node symbol : source.child("index").children("symbol"))
      by_file[source.attribute("href").value()].push_back(symbol.child("data").text().get());
  std::vector<std::vector<std::string>> decoded;
  for (const fs::path& image : images) decoded.push_back(by_file[image.string()]);
  return decoded;
}

// Renders `pdf` and checks that the cell of each label holds its code and nothing else.
void expect_each_cell_decodes(const std::string& pdf, const std::vector<Label>& labels, const SheetOptions& options) {
  TempDir dir;
  auto pages = rasterise(dir, pdf, "gray");
  size_t per_page = static_cast<size_t>(options.columns) * options.rows;
  ASSERT_EQ(pages.size(), (labels.size() + per_page - 1) / per_page);
  auto decoded = decode_each(cut_cells(dir, pages, options, labels.size()));
  for (size_t index = 0; index < labels.size(); ++index)
    EXPECT_EQ(decoded[index], std::vector<std::string>{labels[index].uri}) << "label " << index;
}

std::vector<Label> numbered_labels(size_t count, const std::string& prefix = kUri) {
  std::vector<Label> labels;
  for (size_t serial = 1; serial <= count; ++serial)
    labels.push_back({prefix + "/21/" + std::to_string(serial),
                      "成县核桃 500g",
                      {"生产者：王建国家庭农场", "陇南市成县抛沙镇马槽村", "批次 LOT-2026-001", "2026-09-18"},
                      serial % 2 == 0 ? "承诺达标合格证" : ""});
  return labels;
}

std::vector<std::string> uris(const std::vector<Label>& labels) {
  std::vector<std::string> out;
  for (const Label& label : labels) out.push_back(label.uri);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

std::vector<std::string> naughty_strings() {
  std::ifstream in(fs::path(LONGNAN_SOURCE_DIR) / "tests/fixtures/blns.json", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  boost::json::value parsed = boost::json::parse(text.str());
  std::vector<std::string> strings;
  for (const auto& value : parsed.as_array()) strings.emplace_back(value.as_string().c_str(), value.as_string().size());
  return strings;
}

// Module grid (true = dark) of a PNG from qr_png; fails the test unless every pixel of a module
// is the module's black or white.
std::vector<std::vector<bool>> png_modules(const std::string& png, int module_px) {
  std::string_view rest = png;
  auto read = [](void* closure, unsigned char* data, unsigned int length) {
    auto* source = static_cast<std::string_view*>(closure);
    if (source->size() < length) return CAIRO_STATUS_READ_ERROR;
    std::copy_n(source->data(), length, data);
    source->remove_prefix(length);
    return CAIRO_STATUS_SUCCESS;
  };
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> image(
      cairo_image_surface_create_from_png_stream(read, &rest), &cairo_surface_destroy);
  EXPECT_EQ(cairo_surface_status(image.get()), CAIRO_STATUS_SUCCESS);
  int side_px = cairo_image_surface_get_width(image.get());
  EXPECT_EQ(cairo_image_surface_get_height(image.get()), side_px);
  EXPECT_EQ(side_px % module_px, 0);
  EXPECT_EQ(cairo_image_surface_get_format(image.get()), CAIRO_FORMAT_RGB24);
  const unsigned char* pixels = cairo_image_surface_get_data(image.get());
  int stride = cairo_image_surface_get_stride(image.get());
  int side = side_px / module_px;
  std::vector<std::vector<bool>> modules(side, std::vector<bool>(side));
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      uint32_t first = 0;
      for (int dy = 0; dy < module_px; ++dy) {
        for (int dx = 0; dx < module_px; ++dx) {
          const unsigned char* pixel = pixels + (y * module_px + dy) * stride + (x * module_px + dx) * 4;
          uint32_t value = *reinterpret_cast<const uint32_t*>(pixel) & 0xFFFFFF;
          if (dx == 0 && dy == 0) first = value;
          EXPECT_EQ(value, first) << "module " << x << "," << y;
          EXPECT_TRUE(value == 0 || value == 0xFFFFFF);
        }
      }
      modules[y][x] = first == 0;
    }
  }
  return modules;
}

// Module grid of an SVG from qr_svg; fails the test unless it is the expected structure.
std::vector<std::vector<bool>> svg_modules(const std::string& svg) {
  pugi::xml_document document;
  pugi::xml_parse_result parsed = document.load_string(svg.c_str());
  EXPECT_TRUE(parsed) << parsed.description();
  pugi::xml_node root = document.document_element();
  EXPECT_STREQ(root.name(), "svg");
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://www.w3.org/2000/svg");
  EXPECT_STREQ(root.attribute("shape-rendering").value(), "crispEdges");
  int side = 0;
  EXPECT_EQ(std::sscanf(root.attribute("viewBox").value(), "0 0 %d %*d", &side), 1);
  EXPECT_EQ(root.attribute("viewBox").value(), "0 0 " + std::to_string(side) + " " + std::to_string(side));
  pugi::xml_node background = root.child("rect");
  EXPECT_EQ(background.attribute("width").as_int(), side);
  EXPECT_STREQ(background.attribute("fill").value(), "#fff");
  EXPECT_EQ(std::distance(root.children("path").begin(), root.children("path").end()), 1);
  std::string path = root.child("path").attribute("d").value();
  std::vector<std::vector<bool>> modules(side, std::vector<bool>(side));
  std::regex run_pattern("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");
  size_t covered = 0;
  for (std::sregex_iterator run(path.begin(), path.end(), run_pattern), end; run != end; ++run) {
    EXPECT_EQ(run->position(), static_cast<long>(covered)) << "unexpected path data at " << covered;
    covered = run->position() + run->length();
    int x = std::stoi((*run)[1]), y = std::stoi((*run)[2]), length = std::stoi((*run)[3]);
    EXPECT_EQ(length, std::stoi((*run)[4]));
    for (int column = x; column < x + length; ++column) modules.at(y).at(column) = true;
  }
  EXPECT_EQ(covered, path.size());
  return modules;
}

TEST(QrPng, DigitalLinkUriDecodesToExactlyThatUri) {
  auto png = qr_png(kUri);
  ASSERT_TRUE(png) << png.error().message;
  EXPECT_EQ(png->substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(png->substr(24, 2), std::string("\x08\x00", 2));  // IHDR: 8-bit greyscale
  TempDir dir;
  EXPECT_EQ(decode({dir.write("code.png", *png)}), std::vector<std::string>{kUri});
}

TEST(QrSvg, IsWellFormedAndCoversTheSameModulesAsThePng) {
  QrOptions options{.module_px = 3, .margin = 4, .level = 'Q'};
  auto svg = qr_svg(kUri, options);
  auto png = qr_png(kUri, options);
  ASSERT_TRUE(svg && png);
  auto modules = svg_modules(*svg);
  EXPECT_EQ(modules, png_modules(*png, options.module_px));
  EXPECT_NE(svg->find(" width=\"" + std::to_string(modules.size() * options.module_px) + "\""), std::string::npos);
  // The quiet zone is light all round; the top-left finder pattern starts just inside it.
  int side = static_cast<int>(modules.size());
  for (int at = 0; at < side; ++at) {
    for (int band = 0; band < options.margin; ++band) {
      EXPECT_FALSE(modules[band][at] || modules[side - 1 - band][at] || modules[at][band] ||
                   modules[at][side - 1 - band]);
    }
  }
  EXPECT_TRUE(modules[4][4] && modules[4][10] && modules[10][4] && !modules[5][5]);
}

TEST(QrPng, Utf8TextIsCarriedByteForByte) {
  const std::string text = "https://trace.example.cn/01/06901234567892/10/批次-二〇二六/21/花椒🌶";
  auto png = qr_png(text);
  ASSERT_TRUE(png);
  TempDir dir;
  fs::path file = dir.write("code.png", *png);
  EXPECT_EQ(run("zbarimg --nodbus --raw -q -Sbinary " + file.string()), text);
}

TEST(Qr, TextAtCapacityEncodesAndOneByteMoreIsAValidationError) {
  for (auto [level, capacity] : {std::pair{'L', 2953}, {'M', 2331}, {'Q', 1663}, {'H', 1273}}) {
    SCOPED_TRACE(level);
    QrOptions options{.module_px = 1, .level = level};
    EXPECT_TRUE(qr_svg(std::string(capacity, 'a'), options));
    auto too_long = qr_png(std::string(capacity + 1, 'a'), options);
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error().code, core::ErrorCode::kValidation);
    EXPECT_EQ(too_long.error().field, "text");
  }
  EXPECT_FALSE(qr_svg(std::string(1 << 20, 'x')));
}

TEST(Qr, EmptyTextAndBadOptionsAreValidationErrors) {
  EXPECT_EQ(qr_svg("").error().field, "text");
  EXPECT_EQ(qr_png(kUri, {.module_px = 0}).error().field, "module_px");
  EXPECT_EQ(qr_png(kUri, {.module_px = 33}).error().field, "module_px");
  EXPECT_EQ(qr_svg(kUri, {.margin = -1}).error().field, "margin");
  EXPECT_EQ(qr_svg(kUri, {.level = 'X'}).error().field, "level");
  EXPECT_TRUE(qr_png(kUri, {.module_px = 32, .margin = 16, .level = 'H'}));
}

TEST(Qr, NaughtyStringsEncodeOrFailCleanly) {
  for (const std::string& text : naughty_strings()) {
    SCOPED_TRACE(text);
    auto svg = qr_svg(text);
    auto png = qr_png(text, {.module_px = 1});
    ASSERT_EQ(svg.ok(), !text.empty());
    ASSERT_EQ(png.ok(), !text.empty());
    if (svg) {
      EXPECT_EQ(svg_modules(*svg), png_modules(*png, 1));
    }
  }
}

// On whole pages zbar misses about 2% of the codes of full 3 × 8 pages, whatever their URIs
// (see cut_cells): there every code it finds must be one of the sheet's and found once, and
// the per-cell check proves that all of them are there, each in its own cell.
TEST(Sheet, ThirtyLabelsMakeTwoPagesAndEveryCodeDecodesExactlyOnce) {
  SheetOptions options{.columns = 3, .rows = 8};
  auto labels = numbered_labels(30);
  auto pdf = label_sheet_pdf(labels, options);
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_TRUE(pdf->starts_with("%PDF-"));
  TempDir dir;
  auto pages = rasterise(dir, *pdf);
  ASSERT_EQ(pages.size(), 2u);
  std::vector<std::string> found = sorted(decode(pages));
  std::vector<std::string> expected = sorted(uris(labels));
  EXPECT_TRUE(std::includes(expected.begin(), expected.end(), found.begin(), found.end()));
  EXPECT_EQ(std::adjacent_find(found.begin(), found.end()), found.end());
  RecordProperty("found_on_whole_pages", std::to_string(found.size()));
  expect_each_cell_decodes(*pdf, labels, options);
}

TEST(Sheet, ChineseTextIsInTheEmbeddedCjkFont) {
  auto pdf = label_sheet_pdf(numbered_labels(2));
  ASSERT_TRUE(pdf);
  TempDir dir;
  fs::path file = dir.write("sheet.pdf", *pdf);
  std::vector<std::string> fonts = split_lines(run("pdffonts " + file.string()));
  ASSERT_GE(fonts.size(), 3u);  // two header lines, then one line per font
  bool cjk = false;
  for (size_t index = 2; index < fonts.size(); ++index) {
    SCOPED_TRACE(fonts[index]);
    cjk = cjk || fonts[index].find("NotoSansCJK") != std::string::npos;
    EXPECT_TRUE(std::regex_search(fonts[index], std::regex(" yes +yes +(yes|no) +\\d+ +\\d+$")));  // emb sub uni
  }
  EXPECT_TRUE(cjk);
  std::string text = run("pdftotext " + file.string() + " -");
  for (const char* expected : {"成县核桃 500g", "承诺达标合格证", "生产者：王建国家庭农场", "陇南市成县抛沙镇马槽村",
                               "批次 LOT-2026-001", "2026-09-18"})
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  // Only the second label has a badge.
  EXPECT_EQ(text.find("承诺达标合格证"), text.rfind("承诺达标合格证"));
}

// pdftotext gives the whole text even where an ellipsis hides its end (the PDF maps the
// ellipsis glyph to the text it stands for), so the test checks where the glyphs are.
TEST(Sheet, TextTooLongForTheCellStaysInsideIt) {
  Label label{kUri,
              std::string(60, 'W') + "尾巴",
              {"礼县苹果" + std::string(40, 'x') + "结尾", "2", "3", "4", "5", "6", "7", "8", "9"},
              "承诺达标合格证 " + std::string(40, 'y')};
  auto pdf = label_sheet_pdf({label});
  ASSERT_TRUE(pdf);
  TempDir dir;
  pugi::xml_document words;
  ASSERT_TRUE(words.load_string(run("pdftotext -bbox " + dir.write("sheet.pdf", *pdf).string() + " -").c_str()));
  CellBox cell = cell_box({}, 0);
  int count = 0;
  for (pugi::xpath_node word : words.select_nodes("//word")) {
    SCOPED_TRACE(word.node().text().get());
    EXPECT_GE(word.node().attribute("xMin").as_double(), cell.x);
    EXPECT_LE(word.node().attribute("xMax").as_double(), cell.x + cell.width);
    EXPECT_GE(word.node().attribute("yMin").as_double(), cell.y);
    EXPECT_LE(word.node().attribute("yMax").as_double(), cell.y + cell.height);
    ++count;
  }
  EXPECT_GE(count, 4);
  expect_each_cell_decodes(*pdf, {label}, {});
}

TEST(Sheet, EmptyListIsAValidationErrorNotABlankSheet) {
  auto pdf = label_sheet_pdf({});
  ASSERT_FALSE(pdf);
  EXPECT_EQ(pdf.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(pdf.error().field, "labels");
}

TEST(Sheet, TenThousandLabelsAreTheLimit) {
  std::vector<Label> labels(10001, Label{kUri});
  EXPECT_EQ(label_sheet_pdf(labels).error().field, "labels");
}

TEST(Sheet, UriTooLongOrEmptyIsAnErrorNamingTheLabel) {
  auto labels = numbered_labels(3);
  labels[1].uri = kUri + "/" + std::string(3000, 'x');
  EXPECT_EQ(label_sheet_pdf(labels).error().field, "labels[1].uri");
  // Fits a QR code, but its modules would be under 0.25 mm in a 3 × 8 cell.
  labels[1].uri = kUri + "/" + std::string(1500, 'x');
  EXPECT_EQ(label_sheet_pdf(labels).error().field, "labels[1].uri");
  labels[1].uri.clear();
  EXPECT_EQ(label_sheet_pdf(labels).error().field, "labels[1].uri");
}

TEST(Sheet, GridsThatDoNotFitA4AreValidationErrors) {
  auto labels = numbered_labels(1);
  EXPECT_EQ(label_sheet_pdf(labels, {.columns = 0}).error().field, "columns");
  EXPECT_EQ(label_sheet_pdf(labels, {.columns = 14}).error().field, "columns");  // cells under 15 mm
  EXPECT_EQ(label_sheet_pdf(labels, {.rows = 41}).error().field, "rows");
  EXPECT_EQ(label_sheet_pdf(labels, {.margin_mm = -1}).error().field, "margin_mm");
  EXPECT_EQ(label_sheet_pdf(labels, {.gap_mm = std::nan("")}).error().field, "gap_mm");
  EXPECT_TRUE(label_sheet_pdf(labels, {.columns = 1, .rows = 1, .margin_mm = 0, .gap_mm = 0}));
}

TEST(Sheet, OtherGridsPlaceEveryCodeInItsCell) {
  for (SheetOptions options : {SheetOptions{.columns = 1, .rows = 1, .margin_mm = 0, .gap_mm = 0},
                               SheetOptions{.columns = 2, .rows = 5}, SheetOptions{.columns = 4, .rows = 10}}) {
    SCOPED_TRACE(std::to_string(options.columns) + "x" + std::to_string(options.rows));
    auto labels = numbered_labels(options.columns * options.rows + 1);
    auto pdf = label_sheet_pdf(labels, options);
    ASSERT_TRUE(pdf);
    expect_each_cell_decodes(*pdf, labels, options);
  }
}

TEST(Sheet, NaughtyStringsAsTextNeverCrashAndEveryCodeStillDecodes) {
  std::vector<Label> labels;
  std::vector<std::string> strings = naughty_strings();
  for (size_t index = 0; index < strings.size(); ++index)
    labels.push_back({kUri + "/21/" + std::to_string(index),
                      strings[index],
                      {strings[index], strings[index]},
                      strings[(index + 1) % strings.size()]});
  // Bytes that are not UTF-8, a NUL inside text and a noncharacter are shown as U+FFFD.
  labels.push_back({kUri + "/21/bytes", std::string("\xff\xfe\0\xc3(", 5), {std::string("a\0b", 3)}, "\xef\xbf\xbf"});
  SheetOptions options{.columns = 4, .rows = 10};
  auto pdf = label_sheet_pdf(labels, options);
  ASSERT_TRUE(pdf) << pdf.error().message;
  expect_each_cell_decodes(*pdf, labels, options);
}

// CPU time, not wall time, is held to the bound: other builds and tests share the machine.
TEST(Sheet, TwoHundredFortyLabelsRenderInWellUnderASecond) {
  auto labels = numbered_labels(240);
  ASSERT_TRUE(label_sheet_pdf(numbered_labels(1)));  // fonts loaded before the clock starts
  auto wall_start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  auto pdf = label_sheet_pdf(labels);
  double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  double wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start).count();
  ASSERT_TRUE(pdf);
  std::cout << "240 labels, 10 pages: " << cpu_ms << " ms CPU, " << wall_ms << " ms wall, " << pdf->size() / 1024
            << " KiB\n";
  RecordProperty("cpu_ms", std::to_string(cpu_ms));
  EXPECT_LT(cpu_ms, 1000);
  TempDir dir;
  std::string info = run("pdfinfo " + dir.write("sheet.pdf", *pdf).string());
  EXPECT_TRUE(std::regex_search(info, std::regex("Pages: +10\n"))) << info;
}

TEST(Sheet, FourThreadsRenderSheetsAtOnce) {
  constexpr int kThreads = 4;
  std::vector<std::vector<Label>> labels;
  for (int thread = 0; thread < kThreads; ++thread)
    labels.push_back(numbered_labels(30, "https://trace.example.cn/01/06901234567892/10/T" + std::to_string(thread)));
  std::vector<std::string> pdfs(kThreads);
  std::vector<int> failures(kThreads);
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      for (int repeat = 0; repeat < 3; ++repeat) {
        auto pdf = label_sheet_pdf(labels[thread]);
        auto png = qr_png(labels[thread][repeat].uri);
        auto svg = qr_svg(labels[thread][repeat].uri);
        if (!pdf || !png || !svg) ++failures[thread];
        if (pdf) pdfs[thread] = std::move(*pdf);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int thread = 0; thread < kThreads; ++thread) {
    SCOPED_TRACE(thread);
    EXPECT_EQ(failures[thread], 0);
    expect_each_cell_decodes(pdfs[thread], labels[thread], {});
  }
}

}  // namespace
}  // namespace longnan::label
