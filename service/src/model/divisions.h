// Administrative divisions: provinces, cities, districts (GB/T 2260, 6 digits), streets/towns
// (9 digits) and communities/villages (12-digit 统计用区划代码). Loaded from the CSV files in
// schema/divisions/ (code,name,... with a header row); areas-historic.csv (optional) lists the
// 6-digit codes no longer in force, for ID numbers. Immutable after Load; thread-safe to read.
#ifndef ONETABLE_MODEL_DIVISIONS_H_
#define ONETABLE_MODEL_DIVISIONS_H_

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/problem.h"
#include "onetable/status.h"

namespace onetable {

struct Division {
  std::string code;
  std::string name;
  std::string parent_code;  // "" for provinces
};

class Divisions {
 public:
  // Reads provinces.csv, cities.csv, areas.csv, streets.csv and every villages*.csv in `dir`.
  // Errors name the file and line.
  static Result<Divisions> Load(const std::string& dir);

  // The division with this code (2, 4, 6, 9 or 12 digits), or nullptr.
  const Division* Find(std::string_view code) const;

  // Children of a code, in code order (streets of a district, communities of a street...).
  std::vector<const Division*> Children(std::string_view code) const;

  // Checks a 12-digit community/village code: shape, an existing street (first 9 digits), and,
  // where the village list covers that street, that the code is listed. Codes: division_format,
  // division_unknown_street, division_unknown_community.
  std::optional<Problem> CheckCommunityCode(std::string_view code) const;

  // Checks a GB/T 2260 6-digit area code or a 9/12-digit code that exists. Code: division_unknown.
  std::optional<Problem> CheckDivisionCode(std::string_view code) const;

  // Checks the area code of an ID number (its first 6 digits): a current district, a city or
  // province code (xxxx00, xx0000), or a code that was in force once (areas-historic.csv, when
  // present: people keep the code of a district merged since they were born). Code: id_region.
  std::optional<Problem> CheckIdAreaCode(std::string_view code) const;
  // Whether areas-historic.csv was loaded.
  bool has_historic_areas() const { return !historic_areas_.empty(); }

 private:
  std::unordered_map<std::string, Division> by_code_;
  std::unordered_map<std::string, std::vector<std::string>> children_;
  std::unordered_map<std::string, std::string> historic_areas_;  // code -> name
};

}  // namespace onetable

#endif  // ONETABLE_MODEL_DIVISIONS_H_
