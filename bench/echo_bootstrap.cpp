// The floor for the cold-start benchmark: the least a custom runtime can do, in plain C++ with
// libcurl and nothing from the framework. It fetches each invocation and echoes its payload.
#include <cstdlib>
#include <string>

#include <curl/curl.h>

namespace {

size_t append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t header(char* data, size_t size, size_t count, void* out) {
  std::string line(data, size * count);
  const std::string key = "lambda-runtime-aws-request-id:";
  if (line.size() > key.size()) {
    std::string lower = line.substr(0, key.size());
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == key) {
      std::string value = line.substr(key.size());
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      *static_cast<std::string*>(out) = value;
    }
  }
  return size * count;
}

}  // namespace

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr) return 2;
  std::string base = std::string("http://") + api + "/2018-06-01/runtime/invocation/";
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* curl = curl_easy_init();
  for (;;) {
    std::string body;
    std::string id;
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, (base + "next").c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &id);
    if (curl_easy_perform(curl) != CURLE_OK) return 1;  // the Runtime API is gone
    if (id.empty()) continue;
    std::string ignored;
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, (base + id + "/response").c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ignored);
    curl_easy_perform(curl);
  }
}
