#include "http/http_client.hpp"

#include <mutex>

#include <curl/curl.h>

#include <aws_helper/deadline.hpp>

#include "core/ca_bundle.hpp"
#include "core/text.hpp"

namespace aws_helper::http {

namespace {

// curl_global_init is not thread-safe; do it once, before the first handle.
void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    *headers = Headers{};  // a new status line (after 100-continue or a redirect) starts afresh
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    headers->add(std::string(detail::trim(line.substr(0, colon))),
                 std::string(detail::trim(line.substr(colon + 1))));
  }
  return size * count;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

}  // namespace

struct Client::Impl {
  CURL* handle = nullptr;
  ~Impl() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

Client::Client() : impl_(std::make_unique<Impl>()) {
  global_init();
  impl_->handle = curl_easy_init();
  if (impl_->handle == nullptr) throw TransportError("curl_easy_init failed", false);
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

// Over 60 lines: libcurl's setup is one setopt per option, then perform and map the errors.
// NOLINTNEXTLINE(readability-function-size)
Response Client::send(const Request& request) {
  CURL* curl = impl_->handle;
  curl_easy_reset(curl);  // keeps the connection cache, clears per-request options
  // The system's CA bundle, wherever this distribution keeps it (core/ca_bundle.hpp); curl
  // keeps the parsed store cached on the handle across requests.
  if (const auto& bundle = tls::system_ca_bundle(); !bundle.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, bundle.c_str());
  }

  Response response;
  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  // curl_slist_append returns the (possibly new) head, or nullptr leaving the list as it was.
  auto append = [&header_list](const std::string& line) {
    curl_slist* head = curl_slist_append(header_list.get(), line.c_str());
    if (head == nullptr) throw TransportError("out of memory building headers", false);
    static_cast<void>(header_list.release());
    header_list.reset(head);
  };
  for (const auto& [key, value] : request.headers) {
    // A line break would let a value (a session state, a token) add headers of its own.
    if (key.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos ||
        value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      throw ValueError("Header '" + key.substr(0, 64) + "' contains a line break or NUL");
    }
    // "Name;" is curl's syntax for a header with an empty value.
    std::string line = key;
    line += value.empty() ? ";" : ": ";
    line += value;
    append(line);
  }
  // curl adds "Expect: 100-continue" to large POSTs, costing a round trip; nobody here needs it.
  if (!request.headers.contains("Expect")) append("Expect:");

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  // Inside an invocation, no call outlives its deadline (aws_helper/deadline.hpp).
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(bounded_by_deadline(request.timeout).count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(bounded_by_deadline(request.connect_timeout).count()));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    if (request.method != "POST") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    throw TransportError(
        request.method + " " + request.url + " failed: " + curl_easy_strerror(code),
        code == CURLE_OPERATION_TIMEDOUT);
  }
  long status = 0;  // libcurl's type; the framework's is int
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace aws_helper::http
