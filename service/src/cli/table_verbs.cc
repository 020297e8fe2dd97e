#include "cli/table_verbs.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/verbs.h"
#include "csv/csv_reader.h"
#include "mapping/atomic_file.h"
#include "mapping/csv_sink.h"
#include "mapping/json_sink.h"
#include "mapping/mapping_spec.h"
#include "mapping/preview_sink.h"
#include "mapping/scan_plan.h"
#include "mapping/table_generator.h"
#include "mapping/template_draft.h"
#include "onetable/text.h"
#include "store/store.h"
#include "xlsx/xlsx_reader.h"

namespace onetable {
namespace fs = std::filesystem;

const char kTableUsage[] =
    "  table 映射ID [--scope 代码] [--as-of 日期] [--format xlsx|csv|json] [-o 文件]\n"
    "        [--preview N] [--savings]   按映射生成部门报表（映射ID 如 minzheng/gaoling-jintie）\n"
    "  mapping draft 模板.xlsx|.csv [--title 标题] [-o 文件]   由部门空白模板生成映射草稿\n";

namespace {

int Fail(int code, const std::string& message) {
  std::cerr << message << "\n";
  return code;
}

int ExitFor(const Status& st) {
  return st.code() == StatusCode::kUnavailable ? kExitUnavailable : kExitInvalid;
}

bool ValidMappingId(const std::string& id) {
  const size_t slash = id.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == id.size() ||
      id.find('/', slash + 1) != std::string::npos) {
    return false;
  }
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// Loads mapping `id` from the mappings directory and checks the id inside matches its path.
Result<mapping::MappingSpec> LoadById(const Config& config, const Catalog& catalog,
                                      const std::string& id) {
  if (!ValidMappingId(id)) {
    return Status::Invalid("映射ID “" + id + "” 应写成 部门/表名，如 minzheng/gaoling-jintie");
  }
  const std::string path = config.mappings_dir + "/" + id + ".yaml";
  if (!fs::exists(path)) {
    return Status::NotFound("找不到映射 “" + id + "”（应在 " + path + "）");
  }
  ASSIGN_OR_RETURN(mapping::MappingSpec spec, mapping::LoadMappingSpec(path, catalog));
  if (spec.id != id) {
    return Status::Invalid(path + ": 文件中的 id “" + spec.id + "” 与文件位置 “" + id + "” 不一致");
  }
  RETURN_IF_ERROR(mapping::CheckOrderBy(spec));
  return spec;
}

std::string Percent(int64_t part, int64_t whole) {
  if (whole == 0) return "0%";
  std::ostringstream out;
  out << std::fixed << std::setprecision(1)
      << 100.0 * static_cast<double>(part) / static_cast<double>(whole) << "%";
  return out.str();
}

struct TableArgs {
  std::string id, scope, as_of, format, output;
  int64_t preview = 0;
  bool savings = false;
};

Status ParseTableArgs(const std::vector<std::string>& args, TableArgs* out) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name) -> Result<std::string> {
      if (i + 1 >= args.size()) return Status::Invalid(std::string(name) + " 需要一个值");
      return args[++i];
    };
    if (a == "--scope") {
      ASSIGN_OR_RETURN(out->scope, value("--scope"));
    } else if (a == "--as-of") {
      ASSIGN_OR_RETURN(out->as_of, value("--as-of"));
    } else if (a == "--format") {
      ASSIGN_OR_RETURN(out->format, value("--format"));
    } else if (a == "-o" || a == "--output") {
      ASSIGN_OR_RETURN(out->output, value("-o"));
    } else if (a == "--preview") {
      ASSIGN_OR_RETURN(std::string n, value("--preview"));
      char* end = nullptr;
      out->preview = std::strtoll(n.c_str(), &end, 10);
      if (n.empty() || *end != '\0' || out->preview < 1 || out->preview > 100000) {
        return Status::Invalid("--preview 应为 1–100000 的整数，实际是 “" + n + "”");
      }
    } else if (a == "--savings") {
      out->savings = true;
    } else if (a.rfind("-", 0) == 0 || !out->id.empty()) {
      return Status::Invalid("table 不认识参数 " + a);
    } else {
      out->id = a;
    }
  }
  if (out->id.empty())
    return Status::Invalid("table 需要映射ID，如 onetable table minzheng/gaoling-jintie");
  if (out->preview > 0 && (!out->output.empty() || !out->format.empty())) {
    return Status::Invalid("--preview 直接在终端显示，不能与 -o 或 --format 同用");
  }
  return Status::Ok();
}

// The sink for the arguments: a file (atomically), stdout, or a preview.
Result<std::unique_ptr<mapping::TableSink>> OpenSink(const TableArgs& a) {
  using mapping::TableFormat;
  if (a.preview > 0)
    return std::unique_ptr<mapping::TableSink>(new mapping::PreviewSink(std::cout));
  std::optional<TableFormat> format;
  if (!a.format.empty()) {
    format = mapping::ParseTableFormat(a.format);
    if (!format)
      return Status::Invalid("--format 应为 xlsx、csv 或 json，实际是 “" + a.format + "”");
  } else if (!a.output.empty()) {
    std::string ext = AsciiLower(fs::path(a.output).extension().string());
    if (!ext.empty()) format = mapping::ParseTableFormat(ext.substr(1));
    if (!format) {
      return Status::Invalid("无法从文件名 “" + a.output +
                             "” 判断格式：请用 .xlsx、.csv、.json 结尾，或加 --format");
    }
  } else {
    format = TableFormat::kCsv;
  }
  if (!a.output.empty()) return mapping::OpenTableSink(*format, a.output);
  if (*format == TableFormat::kXlsx) {
    return Status::Invalid("XLSX 不能输出到终端：请用 -o 文件.xlsx 指定输出文件");
  }
  if (*format == TableFormat::kJson) {
    return std::unique_ptr<mapping::TableSink>(new mapping::JsonSink(std::cout));
  }
  return std::unique_ptr<mapping::TableSink>(new mapping::CsvSink(std::cout));
}

void Audit(Store* store, const TableArgs& a, const std::string& result, const std::string& detail) {
  AuditEntry e;
  e.user = "cli";
  e.role = "admin";
  e.action = "table";
  e.object = "table/" + a.id;
  e.result = result;
  e.detail = detail;
  auto st = store->AppendAudit(e);
  if (!st.ok()) std::cerr << "警告：审计日志写入失败：" << st.status().message() << "\n";
}

}  // namespace

int RunTable(const Config& config, const std::vector<std::string>& args) {
  TableArgs a;
  Status parsed = ParseTableArgs(args, &a);
  if (!parsed.ok()) return Fail(kExitUsage, parsed.message() + "\n\n用法：\n" + kTableUsage);
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Fail(kExitInvalid, catalog.status().message());
  auto spec = LoadById(config, *catalog, a.id);
  if (!spec.ok()) return Fail(kExitInvalid, spec.status().message());
  auto store = OpenStore(config.store_url, *catalog);
  if (!store.ok()) return Fail(ExitFor(store.status()), store.status().message());
  auto version = (*store)->SchemaVersion();
  if (!version.ok()) return Fail(ExitFor(version.status()), version.status().message());
  if (*version == 0) return Fail(kExitInvalid, "登记库尚未初始化：请先运行 onetable init");

  auto sink = OpenSink(a);
  if (!sink.ok()) return Fail(kExitUsage, sink.status().message());
  mapping::TableGenerator generator(*catalog, store->get());
  mapping::TableRequest request;
  request.scope = a.scope;
  request.as_of = a.as_of;
  request.max_rows = a.preview;
  auto result = generator.Generate(*spec, request, sink->get());
  if (!result.ok()) {
    sink->reset();  // an unfinished file sink removes its temporary file
    Audit(store->get(), a, "failed", "");
    return Fail(ExitFor(result.status()), result.status().message());
  }
  const mapping::TableCounts& n = result->counts;
  Audit(store->get(), a, "ok",
        "scope=" + (a.scope.empty() ? std::string("all") : a.scope) +
            " as_of=" + result->as_of.ToString() + " rows=" + std::to_string(n.data_rows));
  std::cerr << spec->title << "：" << n.data_rows << " 行"
            << (n.truncated ? "（预览，未显示全部）" : "") << "，基准日 "
            << result->as_of.ToString() << (a.output.empty() ? "" : "，已写入 " + a.output) << "\n";
  if (a.savings) {
    std::cerr << "录入节省：表内 " << n.cells << " 格中有 " << n.register_cells
              << " 格由登记库自动填写，占 " << Percent(n.register_cells, n.cells)
              << "（序号、小计/合计标签、固定文字和空格不计）\n";
  }
  return kExitOk;
}

int CheckMappings(const Catalog& catalog, const std::string& dir, std::ostream& out, int* checked) {
  *checked = 0;
  int bad = 0;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    out << dir << ": 映射目录不存在\n";
    return 1;
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".yaml") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    ++*checked;
    auto spec = mapping::LoadMappingSpec(file.string(), catalog);
    Status st = spec.status();
    if (st.ok()) {
      std::string expected = fs::relative(file, dir).replace_extension("").generic_string();
      if (spec->id != expected) {
        st = Status::Invalid(file.string() + ": 文件中的 id “" + spec->id + "” 应为 “" + expected +
                             "”（部门/表名，与文件位置一致）");
      } else {
        st = mapping::CheckOrderBy(*spec);
      }
    }
    if (!st.ok()) {
      out << st.message() << "\n";
      ++bad;
    }
  }
  return bad;
}

}  // namespace onetable

namespace onetable {

namespace {

constexpr size_t kTemplateRows = 60;  // a header sits near the top; a blank template is short

Result<std::vector<std::vector<std::string>>> ReadTemplate(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  const std::string ext = AsciiLower(fs::path(path).extension().string());
  if (ext == ".csv") {
    ASSIGN_OR_RETURN(auto reader, connectors::CsvReader::OpenFile(path, connectors::CsvOptions{}));
    connectors::Row row;
    while (rows.size() < kTemplateRows) {
      ASSIGN_OR_RETURN(bool more, reader->Next(&row));
      if (!more) break;
      rows.push_back(row.cells);
    }
    return rows;
  }
  if (ext == ".xlsx") {
    ASSIGN_OR_RETURN(auto book, connectors::XlsxWorkbook::OpenFile(path));
    const Status enough = Status::Internal("enough rows");
    Status st = book->ReadSheet(connectors::SheetSelector::First(), [&](connectors::Row row) {
      rows.push_back(std::move(row.cells));
      return rows.size() >= kTemplateRows ? enough : Status::Ok();
    });
    if (!st.ok() && !(st.code() == enough.code() && st.message() == enough.message())) return st;
    return rows;
  }
  return Status::Invalid("模板 “" + path + "” 应为 .xlsx 或 .csv 文件");
}

}  // namespace

int RunMapping(const Config& config, const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "draft") {
    return Fail(kExitUsage, std::string("用法：\n") + kTableUsage);
  }
  std::string input, title, output;
  for (size_t i = 1; i < args.size(); ++i) {
    if ((args[i] == "--title") && i + 1 < args.size()) {
      title = args[++i];
    } else if ((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size()) {
      output = args[++i];
    } else if (args[i].rfind("-", 0) == 0 || !input.empty()) {
      return Fail(kExitUsage, "mapping draft 不认识参数 " + args[i] + "\n\n用法：\n" + kTableUsage);
    } else {
      input = args[i];
    }
  }
  if (input.empty())
    return Fail(kExitUsage, std::string("mapping draft 需要模板文件\n\n用法：\n") + kTableUsage);
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Fail(kExitInvalid, catalog.status().message());
  auto rows = ReadTemplate(input);
  if (!rows.ok()) return Fail(kExitInvalid, rows.status().message());
  auto draft = mapping::DraftMapping(*catalog, *rows, fs::path(input).filename().string(), title);
  if (!draft.ok()) return Fail(kExitInvalid, draft.status().message());
  if (output.empty()) {
    std::cout << draft->yaml;
  } else {
    auto file = mapping::AtomicFile::Create(output);
    if (!file.ok()) return Fail(kExitInvalid, file.status().message());
    (*file)->stream() << draft->yaml;
    Status st = (*file)->Commit();
    if (!st.ok()) return Fail(kExitInvalid, st.message());
  }
  std::cerr << "表头在第 " << draft->header_row << " 行，" << draft->columns.size() << " 列中匹配 "
            << draft->columns.size() - draft->unmatched.size() << " 列";
  if (!output.empty()) std::cerr << "，草稿已写入 " << output;
  std::cerr << "\n";
  if (!draft->unmatched.empty()) {
    std::cerr << "以下列标题未能匹配字段目录（已在草稿中留作注释）：";
    for (size_t i = 0; i < draft->unmatched.size(); ++i) {
      std::cerr << (i ? "、" : "") << draft->unmatched[i].header << "（第 "
                << draft->unmatched[i].column << " 列）";
    }
    std::cerr << "\n";
  }
  return kExitOk;
}

}  // namespace onetable
