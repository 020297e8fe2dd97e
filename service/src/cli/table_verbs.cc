#include "cli/table_verbs.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "access/access.h"
#include "app/context.h"
#include "app/store_open.h"
#include "audit/audit_log.h"
#include "cli/verbs.h"
#include "mapping/atomic_file.h"
#include "mapping/mapping_spec.h"
#include "mapping/preview_sink.h"
#include "mapping/scan_plan.h"
#include "mapping/table_generator.h"
#include "mapping/table_run.h"
#include "mapping/table_sink.h"
#include "mapping/template_draft.h"
#include "mapping/template_reader.h"
#include "onetable/text.h"
#include "store/store.h"

namespace onetable {
namespace fs = std::filesystem;

const char kTableUsage[] =
    "  table 映射ID [--scope 代码] [--as-of 日期] [--format xlsx|csv|json] [-o 文件]\n"
    "        [--preview N] [--savings]   按映射生成部门报表（映射ID 如 minzheng/gaoling-jintie）\n"
    "        [--changes-since 日期]      只列出该日期至基准日之间新增、变更、减少的行\n"
    "  mapping draft 模板.xlsx|.csv [--title 标题] [-o 文件]   由部门空白模板生成映射草稿\n";

namespace {

int Fail(int code, const std::string& message) {
  std::cerr << message << "\n";
  return code;
}

int ExitFor(const Status& st) {
  return st.code() == StatusCode::kUnavailable ? kExitUnavailable : kExitInvalid;
}

std::string Percent(int64_t part, int64_t whole) {
  if (whole == 0) return "0%";
  std::ostringstream out;
  out << std::fixed << std::setprecision(1)
      << 100.0 * static_cast<double>(part) / static_cast<double>(whole) << "%";
  return out.str();
}

struct TableArgs {
  std::string id, scope, as_of, format, output, changes_since;
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
    } else if (a == "--changes-since") {
      ASSIGN_OR_RETURN(out->changes_since, value("--changes-since"));
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

// The format the arguments ask for: --format, else the output file's extension, else CSV.
Result<mapping::TableFormat> FormatOf(const TableArgs& a) {
  using mapping::TableFormat;
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
  if (a.output.empty() && *format == TableFormat::kXlsx) {
    return Status::Invalid("XLSX 不能输出到终端：请用 -o 文件.xlsx 指定输出文件");
  }
  return *format;
}

// The sink for the arguments: a preview on the terminal, a file (atomically), or stdout.
Result<std::unique_ptr<mapping::TableSink>> OpenSink(const TableArgs& a,
                                                     mapping::TableFormat format) {
  if (a.preview > 0) {
    return std::unique_ptr<mapping::TableSink>(new mapping::PreviewSink(std::cout));
  }
  if (!a.output.empty()) return mapping::OpenTableSink(format, a.output);
  return mapping::OpenTableSink(format, std::cout);
}

}  // namespace

int RunTable(const Config& config, const std::vector<std::string>& args) {
  TableArgs a;
  Status parsed = ParseTableArgs(args, &a);
  if (!parsed.ok()) return Fail(kExitUsage, parsed.message() + "\n\n用法：\n" + kTableUsage);
  Result<mapping::TableFormat> format = FormatOf(a);
  if (!format.ok()) return Fail(kExitUsage, format.status().message());
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Fail(kExitInvalid, catalog.status().message());
  auto store = OpenReadyStore(config.store_url, *catalog, 1, AuditKeyFileOf(config));
  if (!store.ok()) return Fail(ExitFor(store.status()), store.status().message());

  // The table runs as the API runs it (mapping/table_run.h), for the operator: an admin who
  // sees every field, as the terminal has the store's own rights.
  const AccessPolicy policy(*catalog);
  const AppContext app{*catalog, policy, SettingsOf(config)};
  const Actor actor = CliActor();
  TableRunRequest request;
  request.mapping_id = a.id;
  request.params = {a.scope, a.as_of, a.changes_since};
  request.format_name = mapping::TableFormatName(*format);
  request.max_rows = a.preview;
  Result<TableRun> run =
      TableRun::Start(**store, app, actor, OperatorPrincipal(actor.user), std::move(request));
  if (!run.ok()) return Fail(ExitFor(run.status()), run.status().message());
  const mapping::MappingSpec& spec = run->spec();
  auto sink = OpenSink(a, *format);
  if (!sink.ok()) {
    Status st = run->Fail(**store, sink.status());
    return Fail(ExitFor(st), st.message());
  }
  auto result = run->Generate(**store, sink->get());
  if (!result.ok()) {
    sink->reset();  // an unfinished file sink removes its temporary file
    return Fail(ExitFor(result.status()), result.status().message());
  }
  const mapping::TableCounts& n = result->counts;
  std::cerr << spec.title << (a.changes_since.empty() ? "" : "变动名单") << "：" << n.data_rows
            << " 行" << (n.truncated ? "（预览，未显示全部）" : "") << "，基准日 "
            << result->as_of.ToString()
            << (a.changes_since.empty() ? "" : "，自 " + a.changes_since + " 起")
            << (a.output.empty() ? "" : "，已写入 " + a.output) << "\n";
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

namespace {}  // namespace

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
  auto rows = mapping::ReadTemplateFile(input);
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
