#include "xlsx/zip_guard.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <streambuf>
#include <utility>

#include "Poco/Exception.h"
#include "Poco/Zip/ZipArchive.h"
#include "Poco/Zip/ZipCommon.h"
#include "Poco/Zip/ZipStream.h"

namespace onetable::connectors {
namespace {

constexpr size_t kEocdSize = 22;
constexpr size_t kMaxZipComment = 65535;

uint32_t Le16(const unsigned char* p) { return p[0] | (p[1] << 8); }
uint32_t Le32(const unsigned char* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

// The compression method of each entry, by name, read from the central directory's bytes.
// Poco's ZipFileInfo::getCompressionMethod casts the 16-bit field to an enum that holds only
// 0..255, so a damaged entry's value is undefined behaviour before it could be refused. A record
// that does not fit ends the scan (Poco then reports the directory as damaged or short).
std::map<std::string, uint32_t> CentralDirectoryMethods(const std::string& cd) {
  constexpr size_t kRecord = 46;
  std::map<std::string, uint32_t> methods;
  const auto* c = reinterpret_cast<const unsigned char*>(cd.data());
  size_t pos = 0;
  while (pos + kRecord <= cd.size() && Le32(c + pos) == 0x02014b50u) {
    const size_t name_len = Le16(c + pos + 28);
    const size_t rest = name_len + Le16(c + pos + 30) + Le16(c + pos + 32);
    if (pos + kRecord + name_len > cd.size()) break;
    methods.emplace(cd.substr(pos + kRecord, name_len), Le16(c + pos + 10));
    pos += kRecord + rest;
  }
  return methods;
}

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

// Counts what comes out of an inflating stream and stops it at `limit` bytes. Exceptions from
// the inflater (corrupt data, CRC mismatch) are kept as an error instead of being swallowed by
// the istream machinery.
class InflateGuardBuf : public std::streambuf {
 public:
  InflateGuardBuf(std::streambuf* source, uint64_t limit) : source_(source), limit_(limit) {}
  uint64_t total() const { return total_; }
  bool exceeded() const { return exceeded_; }
  const std::string& error() const { return error_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (done_) return traits_type::eof();
    std::streamsize n = 0;
    try {
      n = source_->sgetn(buffer_, sizeof buffer_);
    } catch (const Poco::Exception& e) {
      error_ = "解压失败，数据已损坏（" + e.displayText() + "）";
    } catch (const std::exception& e) {
      error_ = std::string("解压失败，数据已损坏（") + e.what() + "）";
    }
    if (n <= 0) {
      done_ = true;
      return traits_type::eof();
    }
    total_ += static_cast<uint64_t>(n);
    if (total_ > limit_) {
      exceeded_ = true;
      done_ = true;
      return traits_type::eof();
    }
    setg(buffer_, buffer_, buffer_ + n);
    return traits_type::to_int_type(*buffer_);
  }

 private:
  std::streambuf* source_;
  uint64_t limit_;
  uint64_t total_ = 0;
  bool exceeded_ = false;
  bool done_ = false;
  std::string error_;
  char buffer_[16384];
};

}  // namespace

GuardedZip::GuardedZip(std::unique_ptr<std::istream> in, std::string file_name, ZipLimits limits)
    : in_(std::move(in)), file_name_(std::move(file_name)), limits_(limits) {}

GuardedZip::~GuardedZip() = default;

Result<std::unique_ptr<GuardedZip>> GuardedZip::Open(std::unique_ptr<std::istream> in,
                                                     std::string file_name, ZipLimits limits) {
  std::unique_ptr<GuardedZip> zip(new GuardedZip(std::move(in), std::move(file_name), limits));
  RETURN_IF_ERROR(zip->Load());
  return zip;
}

Status GuardedZip::Load() {
  const std::string& f = file_name_;
  std::istream& in = *in_;
  in.seekg(0, std::ios::end);
  std::streamoff end = in.tellg();
  if (!in || end < 0) return Status::Invalid(f + ": 无法读取文件");
  uint64_t file_size = static_cast<uint64_t>(end);
  if (file_size == 0) return Status::Invalid(f + ": 文件为空");

  unsigned char magic[8] = {};
  in.seekg(0);
  in.read(reinterpret_cast<char*>(magic), sizeof magic);
  in.clear();
  static const unsigned char kOle2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  if (std::equal(kOle2, kOle2 + 8, magic)) {
    return Status::Invalid(f +
                           ": 这是旧版 Excel 97-2003（.xls）文件或设置了打开密码的工作簿，"
                           "请在 Excel/WPS 中另存为不加密的 .xlsx");
  }
  if (!(magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)) {
    return Status::Invalid(f + ": 不是 xlsx 文件（不是 zip 格式）");
  }

  // The end-of-central-directory record: the last 22 bytes, unless a comment follows it.
  size_t tail = static_cast<size_t>(std::min<uint64_t>(file_size, kEocdSize + kMaxZipComment));
  std::string buf(tail, '\0');
  in.seekg(static_cast<std::streamoff>(file_size - tail));
  in.read(buf.data(), static_cast<std::streamsize>(tail));
  in.clear();
  const auto* b = reinterpret_cast<const unsigned char*>(buf.data());
  size_t eocd = std::string::npos;
  for (size_t pos = tail >= kEocdSize ? tail - kEocdSize + 1 : 0; pos-- > 0;) {
    if (b[pos] == 'P' && b[pos + 1] == 'K' && b[pos + 2] == 5 && b[pos + 3] == 6 &&
        pos + kEocdSize + Le16(b + pos + 20) <= tail) {
      eocd = pos;
      break;
    }
  }
  if (eocd == std::string::npos) {
    return Status::Invalid(f + ": 找不到 zip 中央目录，文件不完整（可能在复制或下载时被截断）");
  }
  uint64_t entries = Le16(b + eocd + 10);
  uint64_t cd_size = Le32(b + eocd + 12);
  uint64_t cd_offset = Le32(b + eocd + 16);
  if (entries == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_offset == 0xFFFFFFFFu) {
    return Status::Invalid(f + ": 不支持 ZIP64 格式（xlsx 文件不应如此之大）");
  }
  if (cd_offset + cd_size > file_size - tail + eocd) {
    return Status::Invalid(f + ": zip 中央目录位置无效，文件不完整或已损坏");
  }
  if (entries > limits_.max_entries) {
    return Status::Invalid(f + ": zip 条目数 " + std::to_string(entries) + " 超过上限 " +
                           std::to_string(limits_.max_entries));
  }

  std::string cd(static_cast<size_t>(cd_size), '\0');
  in.seekg(static_cast<std::streamoff>(cd_offset));
  in.read(cd.data(), static_cast<std::streamsize>(cd.size()));
  in.clear();
  const std::map<std::string, uint32_t> methods = CentralDirectoryMethods(cd);

  try {
    in.seekg(0);
    archive_ = std::make_unique<Poco::Zip::ZipArchive>(in);
  } catch (const Poco::Exception& e) {
    return Status::Invalid(f + ": zip 结构损坏（" + e.displayText() + "）");
  } catch (const std::exception& e) {
    return Status::Invalid(f + ": zip 结构损坏（" + e.what() + "）");
  }
  in.clear();

  uint64_t seen = 0;
  uint64_t total = 0;
  for (auto it = archive_->fileInfoBegin(); it != archive_->fileInfoEnd(); ++it) {
    ++seen;
    const Poco::Zip::ZipFileInfo& info = it->second;
    const std::string& name = info.getFileName();
    // Poco's isDirectory() reads the name's last character, which an empty name lacks.
    if (name.empty()) return Status::Invalid(f + ": zip 中有名称为空的条目，文件已损坏");
    if (info.getUncompressedSize() == 0 && name.back() == '/') continue;  // a directory
    std::string where = f + " 中的 " + name;
    if (info.isEncrypted()) return Status::Invalid(where + ": 条目已加密，无法读取");
    auto method = methods.find(name);
    if (method == methods.end()) {
      return Status::Invalid(where + ": zip 中央目录与条目不一致，文件已损坏");
    }
    if (method->second != Poco::Zip::ZipCommon::CM_STORE &&
        method->second != Poco::Zip::ZipCommon::CM_DEFLATE) {
      return Status::Invalid(where + ": 使用了不支持的压缩方式（" + std::to_string(method->second) +
                             "）");
    }
    uint64_t size = info.getUncompressedSize();
    uint64_t packed = info.getCompressedSize();
    if (size > limits_.max_entry_bytes) {
      return Status::Invalid(where + ": 解压后 " + Megabytes(size) + "，超过单个条目上限 " +
                             Megabytes(limits_.max_entry_bytes));
    }
    if (size > limits_.ratio_floor_bytes &&
        (packed == 0 ||
         static_cast<double>(size) / static_cast<double>(packed) > limits_.max_ratio)) {
      std::string ratio = packed == 0 ? std::string("无穷") : std::to_string(size / packed);
      return Status::Invalid(where + ": 压缩比 " + ratio + ":1 超过上限 " +
                             std::to_string(static_cast<uint64_t>(limits_.max_ratio)) +
                             ":1（疑似 zip 炸弹），拒绝解压");
    }
    total += size;
    if (total > limits_.max_total_bytes) {
      return Status::Invalid(f + ": 解压后总大小超过上限 " + Megabytes(limits_.max_total_bytes));
    }
    declared_sizes_[name] = size;
  }
  if (seen != entries) {
    return Status::Invalid(f + ": zip 目录不完整（声明 " + std::to_string(entries) +
                           " 个条目，读到 " + std::to_string(seen) + " 个），文件已损坏");
  }
  return Status::Ok();
}

bool GuardedZip::Has(const std::string& entry) const { return declared_sizes_.count(entry) > 0; }

std::vector<std::string> GuardedZip::EntryNames() const {
  std::vector<std::string> names;
  for (const auto& [name, size] : declared_sizes_) names.push_back(name);
  return names;
}

Status GuardedZip::Read(const std::string& entry,
                        const std::function<Status(std::istream&)>& consume) {
  std::string where = file_name_ + " 中的 " + entry;
  auto declared = declared_sizes_.find(entry);
  if (declared == declared_sizes_.end()) return Status::NotFound(file_name_ + ": 缺少 " + entry);
  auto header = archive_->findHeader(entry);
  if (header == archive_->headerEnd()) {
    return Status::Invalid(where + ": zip 结构损坏（缺少本地文件头）");
  }
  uint64_t total_left =
      limits_.max_total_bytes - std::min(inflated_total_, limits_.max_total_bytes);
  uint64_t limit = std::min({declared->second, limits_.max_entry_bytes, total_left});
  in_->clear();
  try {
    Poco::Zip::ZipInputStream inflating(*in_, header->second, true);
    InflateGuardBuf guard(static_cast<std::istream&>(inflating).rdbuf(), limit);
    std::istream guarded(&guard);
    Status consumed = consume(guarded);
    inflated_total_ += guard.total();
    if (!guard.error().empty()) return Status::Invalid(where + ": " + guard.error());
    if (guard.exceeded()) {
      if (limit == declared->second) {
        return Status::Invalid(where + ": 解压后的数据超过 zip 目录中声明的 " +
                               std::to_string(declared->second) +
                               " 字节（文件已损坏或被篡改，疑似 zip 炸弹），停止解压");
      }
      return Status::Invalid(where + ": 解压后的数据超过上限 " + Megabytes(limit) + "，停止解压");
    }
    return consumed;
  } catch (const Poco::Exception& e) {
    return Status::Invalid(where + ": 解压失败（" + e.displayText() + "）");
  } catch (const std::exception& e) {
    return Status::Invalid(where + ": 解压失败（" + e.what() + "）");
  }
}

}  // namespace onetable::connectors
