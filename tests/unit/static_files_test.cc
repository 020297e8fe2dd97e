// The web UI's static files: what is served for each path, and that nothing outside the web
// directory ever is.
#include "http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace onetable {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("onetable-static-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    web_ = root_ / "web";
    fs::create_directories(web_ / "js");
    Write(web_ / "index.html", "<!doctype html><title>一张表</title>");
    Write(web_ / "js" / "main.js", "export {};");
    Write(web_ / ".hidden", "SECRET-CONTENT");
    Write(root_ / "outside.txt", "OUTSIDE-CONTENT");
    fs::create_symlink(root_ / "outside.txt", web_ / "link.txt");
  }
  void TearDown() override { fs::remove_all(root_); }

  static void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  HttpResponse Get(const std::string& path, const std::string& if_none_match = "") {
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    if (!if_none_match.empty()) request.headers["if-none-match"] = if_none_match;
    return ServeStaticFile(request, web_.string());
  }

  fs::path root_, web_;
};

TEST_F(StaticFilesTest, ServesFilesWithTheirContentTypes) {
  HttpResponse index = Get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("一张表"), std::string::npos);
  HttpResponse js = Get("/js/main.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "export {};");
  EXPECT_EQ(js.headers["Cache-Control"], "no-cache");
  EXPECT_EQ(js.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_NE(js.headers["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);
}

TEST_F(StaticFilesTest, PagePathsGetTheAppSoDeepLinksWork) {
  for (const char* path : {"/residents", "/persons/12", "/admin/mappings/minzheng/dibao"}) {
    HttpResponse r = Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << path;
  }
}

TEST_F(StaticFilesTest, MissingAssetsAndApiPathsAre404) {
  for (const char* path :
       {"/js/missing.js", "/app.css", "/api/v1/nothing", "/api", "/healthz", "/metrics"}) {
    HttpResponse r = Get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_NE(r.body.find("not_found"), std::string::npos) << path;
  }
}

TEST_F(StaticFilesTest, NothingOutsideTheDirectoryIsServed) {
  // Paths arrive percent-decoded; each of these must be refused before touching the disk, or
  // resolve outside the directory and be refused then.
  for (const char* path :
       {"/../outside.txt", "/js/../../outside.txt", "/./index.html", "/js//main.js", "/.hidden",
        "/link.txt", "/js\\..\\..\\outside.txt", "//etc/passwd"}) {
    HttpResponse r = Get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("OUTSIDE-CONTENT"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("SECRET-CONTENT"), std::string::npos) << path;
  }
  HttpResponse nul = Get(std::string("/index.html\0.js", 15));
  EXPECT_EQ(nul.status, 404);
}

TEST_F(StaticFilesTest, UnchangedFilesAnswer304) {
  HttpResponse first = Get("/js/main.js");
  const std::string etag = first.headers["ETag"];
  ASSERT_FALSE(etag.empty());
  HttpResponse again = Get("/js/main.js", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Get("/js/main.js", "\"other\"").status, 200);
}

TEST_F(StaticFilesTest, RegisteringNeedsAnIndex) {
  Router router;
  EXPECT_TRUE(RegisterStaticRoutes(&router, web_.string()).ok());
  Router empty;
  EXPECT_FALSE(RegisterStaticRoutes(&empty, (root_ / "nowhere").string()).ok());
  // API routes stay more specific than the catch-all.
  Router both;
  ASSERT_TRUE(both.Add("GET", "/api/v1/things/{id}",
                       [](const RequestContext&) { return JsonResponse("{}"); })
                  .ok());
  ASSERT_TRUE(RegisterStaticRoutes(&both, web_.string()).ok());
  HttpRequest request;
  request.method = "GET";
  request.path = "/api/v1/things/3";
  EXPECT_EQ(both.Handle(request, nullptr).body, "{}");
}

TEST(ContentTypeTest, ByExtension) {
  EXPECT_STREQ(ContentTypeFor("a.CSS"), "text/css; charset=utf-8");
  EXPECT_STREQ(ContentTypeFor("icon.svg"), "image/svg+xml");
  EXPECT_STREQ(ContentTypeFor("noext"), "application/octet-stream");
  EXPECT_STREQ(ContentTypeFor("x.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace onetable
