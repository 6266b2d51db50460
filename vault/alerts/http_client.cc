#include "vault/alerts/http_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace breakglass::alerts {
namespace {

constexpr size_t kMaxBody = 64 * 1024;

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t Collect(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  const size_t len = size * n;
  if (out->size() < kMaxBody) out->append(data, std::min(len, kMaxBody - out->size()));
  return len;
}

absl::Status Configure(CURL* c, const HttpTarget& t, curl_slist* headers, const std::string& body,
                       std::string* response) {
  const long connect_ms = static_cast<long>(absl::ToInt64Milliseconds(t.connect_timeout));
  const long total_ms = static_cast<long>(absl::ToInt64Milliseconds(t.total_timeout));
  bool ok = curl_easy_setopt(c, CURLOPT_URL, t.url.c_str()) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https") == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_NOPROXY, "*") == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total_ms) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size())) ==
                CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data()) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Collect) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_WRITEDATA, response) == CURLE_OK;
  if (ok && !t.ca_file.empty()) {
    ok = curl_easy_setopt(c, CURLOPT_CAINFO, t.ca_file.c_str()) == CURLE_OK;
  }
  if (!ok) return absl::InternalError("libcurl: could not configure the request");
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckHttpsUrl(const std::string& url) {
  if (!absl::StartsWith(url, "https://") || url.size() <= 8 || url[8] == '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("url '", RedactUrl(url), "': must be https://host[:port]/path"));
  }
  return absl::OkStatus();
}

std::string RedactUrl(const std::string& url) {
  return url.substr(0, url.find_first_of("?#"));
}

absl::StatusOr<HttpResponse> HttpPost(const HttpTarget& target,
                                      const std::vector<std::string>& headers,
                                      const std::string& body) {
  if (absl::Status s = CheckHttpsUrl(target.url); !s.ok()) return s;
  GlobalInitOnce();
  std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
  if (!c) return absl::ResourceExhaustedError("libcurl: curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const std::string& h : headers) {
    curl_slist* next = curl_slist_append(list, h.c_str());
    if (next == nullptr) {
      curl_slist_free_all(list);
      return absl::ResourceExhaustedError("libcurl: header list allocation failed");
    }
    list = next;
  }
  std::unique_ptr<curl_slist, SlistDeleter> owned(list);
  HttpResponse out;
  if (absl::Status s = Configure(c.get(), target, list, body, &out.body); !s.ok()) return s;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(c.get());
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat("POST ", RedactUrl(target.url), ": ",
                                               error[0] ? error : curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  out.status = static_cast<int>(status);
  return out;
}

}  // namespace breakglass::alerts
