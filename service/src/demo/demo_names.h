// Word lists for the demo city: surnames (weighted roughly by the 2020 census, with the 湖北 and
// 土家族 surnames of the 宜都 area a little heavier), given names by birth cohort (names follow
// fashions: 建国 and 桂英 for the 1940s, 子涵 and 梓轩 for the 2010s), a handful of names with
// characters outside the BMP (the cases that break software assuming UTF-16 = UCS-2 or
// three-byte UTF-8), street names, compound names, employers and phone prefixes.
// Data only; thread-safe.
#ifndef ONETABLE_DEMO_DEMO_NAMES_H_
#define ONETABLE_DEMO_DEMO_NAMES_H_

namespace onetable::demo {

struct WeightedText {
  const char* text;
  int weight;
};

inline constexpr WeightedText kSurnames[] = {
    {"王", 710}, {"李", 700}, {"张", 670},  {"刘", 540}, {"陈", 460}, {"杨", 310}, {"黄", 240},
    {"赵", 220}, {"吴", 200}, {"周", 190},  {"徐", 170}, {"孙", 150}, {"马", 150}, {"朱", 140},
    {"胡", 200}, {"郭", 130}, {"何", 120},  {"高", 120}, {"林", 110}, {"罗", 110}, {"郑", 100},
    {"梁", 100}, {"谢", 90},  {"宋", 90},   {"唐", 90},  {"许", 80},  {"韩", 80},  {"冯", 80},
    {"邓", 90},  {"曹", 80},  {"彭", 110},  {"曾", 70},  {"肖", 70},  {"田", 110}, {"董", 70},
    {"袁", 70},  {"潘", 60},  {"于", 60},   {"蒋", 60},  {"蔡", 60},  {"余", 90},  {"杜", 60},
    {"叶", 60},  {"程", 60},  {"苏", 50},   {"魏", 50},  {"吕", 50},  {"丁", 50},  {"任", 50},
    {"沈", 50},  {"姚", 50},  {"卢", 50},   {"姜", 50},  {"崔", 40},  {"钟", 40},  {"谭", 80},
    {"陆", 40},  {"汪", 50},  {"范", 40},   {"金", 40},  {"石", 40},  {"廖", 40},  {"贾", 40},
    {"夏", 40},  {"付", 40},  {"方", 40},   {"邹", 40},  {"熊", 60},  {"秦", 30},  {"江", 40},
    {"雷", 40},  {"龙", 30},  {"陶", 30},   {"黎", 30},  {"毛", 30},  {"万", 40},  {"严", 30},
    {"向", 90},  {"覃", 60},  {"邱", 30},   {"柳", 20},  {"易", 30},  {"左", 20},  {"冉", 20},
    {"艾", 20},  {"望", 10},  {"欧阳", 10}, {"诸葛", 2},
};

// 土家族 families in 宜都, 长阳 and 五峰 carry these surnames far more often.
inline constexpr WeightedText kTujiaSurnames[] = {
    {"向", 30}, {"田", 25}, {"覃", 20}, {"彭", 15}, {"谭", 12}, {"冉", 8},
    {"杨", 10}, {"李", 10}, {"张", 8},  {"王", 8},  {"黄", 5},  {"邓", 5},
};

// Given names by birth cohort. [cohort][0] male, [cohort][1] female.
inline constexpr int kCohortCount = 4;
inline constexpr int kNamesPerList = 24;
inline constexpr int kCohortStartYear[kCohortCount] = {0, 1960, 1985, 2005};
inline constexpr const char* kGivenNames[kCohortCount][2][kNamesPerList] = {
    {{"建国", "国强", "德明", "长青", "正华", "光明", "建华", "志强",
      "立新", "卫东", "文明", "福生", "永康", "世杰", "家树", "学文",
      "宗元", "绍华", "泽民", "兴旺", "大山", "春生", "保国", "德胜"},
     {"秀英", "桂英", "玉兰", "淑珍", "秀兰", "桂兰", "凤英", "玉珍",
      "秀珍", "桂芳", "金凤", "翠花", "素珍", "春兰", "菊香", "月娥",
      "冬梅", "玉梅", "银香", "腊梅", "兰英", "桂香", "凤兰", "德秀"}},
    {{"伟", "勇", "军",   "强",   "斌",   "杰",   "涛",   "明",   "刚", "平", "辉", "鹏",
      "华", "波", "建军", "志勇", "海波", "晓东", "红军", "卫国", "俊", "峰", "磊", "超"},
     {"敏",   "静",   "丽",   "艳",   "芳",   "娟",   "霞",   "燕", "红", "萍", "玲", "莉",
      "红梅", "海燕", "丽华", "晓红", "春燕", "雪梅", "小芳", "婷", "慧", "琴", "凤", "兰"}},
    {{"浩",   "宇",   "鑫",   "磊", "帅", "俊杰", "浩然", "子豪", "文博", "晨", "旭", "鹏飞",
      "志强", "家豪", "天宇", "博", "昊", "凯",   "航",   "一鸣", "喆",   "堃", "犇", "昇"},
     {"婷婷", "倩", "雪", "佳", "琳", "欣", "颖", "梦瑶", "思雨", "雨婷", "晓雪", "诗琪",
      "佳琪", "丹", "璐", "悦", "楠", "瑶", "玥", "晶晶", "淼",   "蕾",   "薇",   "洁"}},
    {{"子轩", "浩宇", "宇轩", "梓豪", "俊熙", "沐宸", "一诺", "皓轩",
      "铭泽", "子墨", "睿",   "煜城", "奕辰", "梓睿", "宸",   "明轩",
      "浩然", "思远", "嘉懿", "承泽", "梓航", "锦程", "子骞", "牧之"},
     {"子涵", "欣怡", "梓涵", "雨桐", "诗涵", "可馨", "一诺", "若汐",
      "语桐", "梓萱", "依诺", "欣妍", "芷若", "思彤", "佳怡", "安琪",
      "沐瑶", "梦琪", "语嫣", "紫涵", "若曦", "清妍", "书瑶", "艺涵"}},
};

// Given names with a character outside the BMP (𠈌 U+2020C, 𡒄 U+21484, 𪚥 U+2A6A5,
// 𬌗 U+2C317): real registers hold such names, and they are where encodings break.
inline constexpr const char* kRareGivenNames[] = {"𠈌",   "𡒄华", "𪚥", "𬌗明",
                                                  "晓𠈌", "志𪚥", "𡒄", "𬌗"};

// Counties 流动人口 in 宜都 come from (their ID area codes): the neighbours first. Also the
// birthplaces of the few locals not born in the city.
inline constexpr WeightedText kHubeiOrigins[] = {
    {"420528", 20}, {"420529", 15}, {"420583", 12}, {"421087", 10}, {"420582", 8}, {"420506", 8},
    {"420527", 6},  {"422801", 6},  {"422823", 5},  {"421002", 4},  {"421022", 4}, {"420106", 2}};

inline constexpr const char* kRoads[] = {"清江大道", "园林大道", "长江大道", "东风路",
                                         "胜利路",   "解放路",   "桂花路",   "江滨路",
                                         "名都路",   "西湖路",   "陆逊路",   "中笔路"};

inline constexpr const char* kCompounds[] = {
    "清江花园", "滨江苑",   "名都小区", "桂花苑",   "长江华府", "园林小区", "东风小区",
    "胜利新村", "解放小区", "翡翠城",   "江城国际", "锦江苑",   "金色家园", "阳光小区",
    "和平里",   "丹水苑",   "宜都一品", "书香门第", "学府花园", "龙湖湾",   "江南春晓",
    "天元丽都", "陆城印象", "西湖人家", "汇景苑",   "清江御景", "紫荆花园", "建设小区",
};

inline constexpr const char* kPropertyTypes[] = {"商品房", "商品房", "商品房",
                                                 "房改房", "安置房", "自建房"};

// Employers by occupation code (occupation-shenzhen): 1 公务员, 2 专业技术, 3 职员,
// 4 企业管理, 5 工人.
inline constexpr const char* kGovernmentEmployers[] = {"宜都市陆城街道办事处",
                                                       "宜都市人民政府办公室", "宜都市民政局",
                                                       "宜都市公安局陆城派出所", "宜都市教育局"};
inline constexpr const char* kProfessionalEmployers[] = {
    "宜都市人民医院", "宜都市第一中学",   "宜都市中医医院",
    "宜都市实验小学", "宜都市妇幼保健院", "陆城街道社区卫生服务中心"};
inline constexpr const char* kCompanyEmployers[] = {
    "宜昌东阳光长江药业股份有限公司", "宜都市自来水公司",  "宜都市公共交通有限公司",
    "湖北宜化集团宜都分公司",         "宜都农村商业银行",  "宜都市天然气有限公司",
    "宜都市清江物业管理有限公司",     "中国移动宜都分公司"};

inline constexpr const char* kMobilePrefixes[] = {
    "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "173", "177", "178", "180", "181",
    "182", "183", "186", "187", "188", "189", "191", "198", "199"};

inline constexpr const char* kDibaoCauses[] = {"因病", "因残",       "年老体弱",
                                               "失业", "缺乏劳动力", "因病"};

}  // namespace onetable::demo

#endif  // ONETABLE_DEMO_DEMO_NAMES_H_
