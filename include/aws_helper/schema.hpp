// Typed input validation: the seed's pydantic `schema`, as a described C++ struct.
//
//   struct Stop {
//     std::string city;
//     std::string zip;
//     static void describe(aws_helper::Fields<Stop>& f) {
//       f.required("city", &Stop::city).min_length(1);
//       f.required("zip", &Stop::zip).pattern("^[0-9]{5}$");
//     }
//   };
//   struct NewShipping {
//     std::string carrier_id;
//     double weight_kg = 1.0;
//     std::optional<std::string> note;
//     std::vector<Stop> stops;
//     std::string priority = "normal";
//     static void describe(aws_helper::Fields<NewShipping>& f) {
//       f.required("carrier_id", &NewShipping::carrier_id).min_length(1);
//       f.optional("weight_kg", &NewShipping::weight_kg).minimum(0.1).maximum(1000);
//       f.optional("note", &NewShipping::note).max_length(200);
//       f.required("stops", &NewShipping::stops).min_length(1);
//       f.optional("priority", &NewShipping::priority).one_of({"low", "normal", "high"});
//     }
//   };
//
//   class ShippingsPostAPI : public aws_helper::API {
//     const aws_helper::Schema* schema() const override {
//       return &aws_helper::schema_of<NewShipping>();
//     }
//     void process() override { NewShipping input = this->input<NewShipping>(); ... }
//   };
//
// `required` fields must be present; `optional` ones take the member's default initializer
// when absent (std::optional members: nullopt). The framework validates data() before
// validate(): text from a query string becomes a number or boolean where the field is one,
// unknown keys are dropped, defaults are filled in, and data() is replaced by the result. Every
// failing field is reported at once (SchemaValidationError: HTTP 400 with `details`).
//
// Field types: std::string, bool, integers, floating point, enums with EnumNames, Json (any
// value), std::optional<T>, std::vector<T>, and structs with a describe() of their own.
// Constraints: min_length / max_length (characters of a string, items of a list), minimum /
// maximum (numbers, inclusive), pattern (ECMAScript regex, searched, in time linear in the
// text whatever its length; back-references are refused), one_of (strings), description
// (JSON Schema only).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

// The `schema` hook of APIs and Lambdas: validate() returns the data to use (defaults applied,
// unknown keys dropped, values coerced) or throws a ValueError describing every failing field.
class Schema {
 public:
  virtual ~Schema() = default;
  [[nodiscard]] virtual Json validate(const Json& data) const = 0;
  // The JSON Schema (draft 2020-12) of valid data; an empty object when not described.
  [[nodiscard]] virtual Json json_schema() const { return Json::object(); }
};

// Every failing field: details() is [{"loc": ["stops", 0, "zip"], "msg": "...", "type": "..."}]
// in pydantic's shape; what() is one readable line.
class SchemaValidationError : public ValueError {
 public:
  SchemaValidationError(const std::string& model, Json details);
  [[nodiscard]] const Json& details() const noexcept { return details_; }

 private:
  Json details_;
};

// A C++ enum's names: specialise with a `values` array of {enumerator, "name"} pairs.
//   template <> struct aws_helper::EnumNames<Priority> {
//     static constexpr std::array values = {std::pair{Priority::low, "low"}, ...};
//   };
template <class E>
struct EnumNames;

template <class T>
class Fields;

namespace schema_detail {

struct Issue {
  Json loc;
  std::string msg;
  std::string type;
};

class Context {
 public:
  void fail(std::string msg, std::string type) {
    issues_.push_back({path_, std::move(msg), std::move(type)});
  }
  void push(Json key) { path_.push_back(std::move(key)); }
  void pop() { path_.erase(path_.end() - 1); }
  [[nodiscard]] bool ok_since(std::size_t count) const noexcept { return issues_.size() == count; }
  [[nodiscard]] std::size_t count() const noexcept { return issues_.size(); }
  [[nodiscard]] Json details() const;

 private:
  Json path_ = Json::array();
  std::vector<Issue> issues_;
};

struct Constraints {
  std::optional<std::size_t> min_length;
  std::optional<std::size_t> max_length;
  std::optional<double> minimum;
  std::optional<double> maximum;
  std::optional<std::string> pattern;
  std::vector<std::string> one_of;
  std::string description;
};

// Shared checks (schema.cpp).
std::optional<Json> normalize_string(const Json& in, Context& ctx, const Constraints& c);
std::optional<Json> normalize_bool(const Json& in, Context& ctx);
std::optional<Json> normalize_integer(const Json& in, Context& ctx, const Constraints& c,
                                      std::int64_t low, std::int64_t high);
std::optional<Json> normalize_number(const Json& in, Context& ctx, const Constraints& c);
bool check_items(std::size_t size, Context& ctx, const Constraints& c);
void add_constraints(Json& schema, const Constraints& c, bool is_string, bool is_array);
std::string type_title(const std::type_info& type);

template <class T, class = void>
struct is_described : std::false_type {};
template <class T>
struct is_described<T, std::void_t<decltype(T::describe(std::declval<Fields<T>&>()))>>
    : std::true_type {};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T, class = void>
struct has_enum_names : std::false_type {};
template <class T>
struct has_enum_names<T, std::void_t<decltype(EnumNames<T>::values)>> : std::true_type {};

template <class U>
struct Codec;

}  // namespace schema_detail

template <class T>
class ObjectSchema;
template <class T>
const ObjectSchema<T>& schema_of();

// The field list of a struct, filled by its static describe().
template <class T>
class Fields {
 public:
  template <class U>
  class Field;

  template <class U>
  Field<U>& required(const std::string& name, U T::*member) {
    return add<U>(name, member, true);
  }
  template <class U>
  Field<U>& optional(const std::string& name, U T::*member) {
    return add<U>(name, member, false);
  }
  // The schema's title (default: the struct's name).
  void title(std::string text) { title_ = std::move(text); }

  struct Base {
    virtual ~Base() = default;
    std::string name;
    bool is_required = false;
    schema_detail::Constraints constraints;
    virtual std::optional<Json> normalize(const Json& in, schema_detail::Context& ctx) const = 0;
    // The member of `object` as JSON (defaults, and a struct back to data).
    virtual Json member_json(const T& object) const = 0;
    virtual void assign(const Json& value, T& out) const = 0;
    [[nodiscard]] virtual Json json_schema() const = 0;
  };

  template <class U>
  class Field : public Base {
   public:
    explicit Field(U T::*member) : member_(member) {}
    Field& min_length(std::size_t n) {
      this->constraints.min_length = n;
      return *this;
    }
    Field& max_length(std::size_t n) {
      this->constraints.max_length = n;
      return *this;
    }
    Field& minimum(double v) {
      this->constraints.minimum = v;
      return *this;
    }
    Field& maximum(double v) {
      this->constraints.maximum = v;
      return *this;
    }
    Field& pattern(const std::string& regex) {
      this->constraints.pattern = regex;
      return *this;
    }
    Field& one_of(const std::vector<std::string>& values) {
      this->constraints.one_of = values;
      return *this;
    }
    Field& description(const std::string& text) {
      this->constraints.description = text;
      return *this;
    }

    std::optional<Json> normalize(const Json& in, schema_detail::Context& ctx) const override {
      return schema_detail::Codec<U>::normalize(in, ctx, this->constraints);
    }
    Json member_json(const T& object) const override {
      return schema_detail::Codec<U>::to_json(object.*member_);
    }
    void assign(const Json& value, T& out) const override {
      out.*member_ = schema_detail::Codec<U>::from_json(value);
    }
    [[nodiscard]] Json json_schema() const override {
      Json schema = schema_detail::Codec<U>::json_schema(this->constraints);
      if (!this->constraints.description.empty())
        schema["description"] = this->constraints.description;
      return schema;
    }

   private:
    U T::*member_;
  };

  [[nodiscard]] const std::vector<std::unique_ptr<Base>>& list() const noexcept { return fields_; }
  [[nodiscard]] const std::string& title() const noexcept { return title_; }

 private:
  template <class U>
  Field<U>& add(const std::string& name, U T::*member, bool is_required) {
    auto field = std::make_unique<Field<U>>(member);
    field->name = name;
    field->is_required = is_required && !schema_detail::is_optional<U>::value;
    auto& ref = *field;
    fields_.push_back(std::move(field));
    return ref;
  }

  std::vector<std::unique_ptr<Base>> fields_;
  std::string title_;
};

// The schema of a described struct; get the shared instance with schema_of<T>().
template <class T>
class ObjectSchema final : public Schema {
  static_assert(std::is_default_constructible_v<T>, "a schema struct needs a default constructor");

 public:
  ObjectSchema() {
    T::describe(fields_);
    if (fields_.title().empty()) fields_.title(schema_detail::type_title(typeid(T)));
  }

  [[nodiscard]] Json validate(const Json& data) const override {
    schema_detail::Context ctx;
    auto normalized = normalize(data, ctx);
    if (!normalized) throw SchemaValidationError(fields_.title(), ctx.details());
    return *normalized;
  }

  // The validated data as the struct.
  [[nodiscard]] T parse(const Json& data) const { return to_struct(validate(data)); }

  // Data that validate() returned, as the struct.
  [[nodiscard]] T to_struct(const Json& normalized) const {
    T out{};
    for (const auto& field : fields_.list()) {
      auto it = normalized.find(field->name);
      if (it != normalized.end()) field->assign(*it, out);
    }
    return out;
  }

  // The struct as data (what validate() would return for it).
  [[nodiscard]] Json dump(const T& object) const {
    Json out = Json::object();
    for (const auto& field : fields_.list()) out[field->name] = field->member_json(object);
    return out;
  }

  [[nodiscard]] Json json_schema() const override {
    Json properties = Json::object();
    Json required = Json::array();
    for (const auto& field : fields_.list()) {
      properties[field->name] = field->json_schema();
      if (field->is_required) required.push_back(field->name);
    }
    Json schema = {{"title", fields_.title()}, {"type", "object"}, {"properties", properties}};
    if (!required.empty()) schema["required"] = required;
    return schema;
  }

  std::optional<Json> normalize(const Json& in, schema_detail::Context& ctx) const {
    if (!in.is_object()) {
      ctx.fail("Input should be a valid object", "model_type");
      return std::nullopt;
    }
    std::size_t before = ctx.count();
    Json out = Json::object();
    static const T defaults{};
    for (const auto& field : fields_.list()) {
      auto it = in.find(field->name);
      bool absent = it == in.end() || (it->is_null() && !field->is_required);
      ctx.push(field->name);
      if (absent) {
        if (field->is_required) {
          ctx.fail("Field required", "missing");
        } else {
          out[field->name] = field->member_json(defaults);
        }
      } else if (auto value = field->normalize(*it, ctx)) {
        out[field->name] = std::move(*value);
      }
      ctx.pop();
    }
    if (!ctx.ok_since(before)) return std::nullopt;
    return out;
  }

 private:
  Fields<T> fields_;
};

template <class T>
const ObjectSchema<T>& schema_of() {
  static const ObjectSchema<T> instance;
  return instance;
}

namespace schema_detail {

template <class U>
struct Codec {
  static std::optional<Json> normalize(const Json& in, Context& ctx, const Constraints& c) {
    if constexpr (std::is_same_v<U, std::string>) {
      return normalize_string(in, ctx, c);
    } else if constexpr (std::is_same_v<U, bool>) {
      return normalize_bool(in, ctx);
    } else if constexpr (std::is_integral_v<U>) {
      return normalize_integer(
          in, ctx, c, static_cast<std::int64_t>(std::numeric_limits<U>::min()),
          static_cast<std::int64_t>(std::min<std::uint64_t>(
              static_cast<std::uint64_t>(std::numeric_limits<U>::max()),
              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))));
    } else if constexpr (std::is_floating_point_v<U>) {
      return normalize_number(in, ctx, c);
    } else if constexpr (std::is_same_v<U, Json>) {
      return in;
    } else if constexpr (is_optional<U>::value) {
      if (in.is_null()) return Json(nullptr);
      return Codec<typename U::value_type>::normalize(in, ctx, c);
    } else if constexpr (is_vector<U>::value) {
      if (in.is_null() || in.is_object()) {
        ctx.fail("Input should be a valid list", "list_type");
        return std::nullopt;
      }
      Json list = in.is_array() ? in : Json::array({in});  // a lone query value: a list of one
      std::size_t before = ctx.count();
      Json out = Json::array();
      for (std::size_t i = 0; i < list.size(); ++i) {
        ctx.push(i);
        if (auto item = Codec<typename U::value_type>::normalize(list[i], ctx, Constraints{}))
          out.push_back(std::move(*item));
        ctx.pop();
      }
      if (!ctx.ok_since(before)) return std::nullopt;
      if (!check_items(out.size(), ctx, c)) return std::nullopt;
      return out;
    } else if constexpr (std::is_enum_v<U>) {
      static_assert(has_enum_names<U>::value,
                    "an enum field needs aws_helper::EnumNames<E> with its names");
      Constraints names = c;
      names.one_of.clear();
      for (const auto& [value, name] : EnumNames<U>::values) names.one_of.emplace_back(name);
      return normalize_string(in, ctx, names);
    } else {
      static_assert(is_described<U>::value,
                    "a schema field must be a string, bool, number, enum, Json, std::optional, "
                    "std::vector or a struct with a static describe(aws_helper::Fields<T>&)");
      return schema_of<U>().normalize(in, ctx);
    }
  }

  static U from_json(const Json& value) {
    if constexpr (std::is_same_v<U, Json>) {
      return value;
    } else if constexpr (is_optional<U>::value) {
      if (value.is_null()) return std::nullopt;
      return Codec<typename U::value_type>::from_json(value);
    } else if constexpr (is_vector<U>::value) {
      U out;
      for (const auto& item : value) out.push_back(Codec<typename U::value_type>::from_json(item));
      return out;
    } else if constexpr (std::is_enum_v<U>) {
      for (const auto& [enumerator, name] : EnumNames<U>::values)
        if (value == name) return enumerator;
      return U{};
    } else if constexpr (is_described<U>::value) {
      return schema_of<U>().to_struct(value);
    } else {
      return value.get<U>();
    }
  }

  static Json to_json(const U& value) {
    if constexpr (is_optional<U>::value) {
      if (!value) return nullptr;
      return Codec<typename U::value_type>::to_json(*value);
    } else if constexpr (is_vector<U>::value) {
      Json out = Json::array();
      for (const auto& item : value) out.push_back(Codec<typename U::value_type>::to_json(item));
      return out;
    } else if constexpr (std::is_enum_v<U>) {
      for (const auto& [enumerator, name] : EnumNames<U>::values)
        if (value == enumerator) return name;
      return nullptr;
    } else if constexpr (is_described<U>::value) {
      return schema_of<U>().dump(value);
    } else {
      return Json(value);
    }
  }

  static Json json_schema(const Constraints& c) {
    if constexpr (std::is_same_v<U, std::string>) {
      Json schema = {{"type", "string"}};
      add_constraints(schema, c, true, false);
      return schema;
    } else if constexpr (std::is_same_v<U, bool>) {
      return {{"type", "boolean"}};
    } else if constexpr (std::is_integral_v<U>) {
      Json schema = {{"type", "integer"}};
      add_constraints(schema, c, false, false);
      return schema;
    } else if constexpr (std::is_floating_point_v<U>) {
      Json schema = {{"type", "number"}};
      add_constraints(schema, c, false, false);
      return schema;
    } else if constexpr (std::is_same_v<U, Json>) {
      return Json::object();
    } else if constexpr (is_optional<U>::value) {
      return {{"anyOf", {Codec<typename U::value_type>::json_schema(c), {{"type", "null"}}}}};
    } else if constexpr (is_vector<U>::value) {
      Json schema = {{"type", "array"},
                     {"items", Codec<typename U::value_type>::json_schema(Constraints{})}};
      add_constraints(schema, c, false, true);
      return schema;
    } else if constexpr (std::is_enum_v<U>) {
      Json names = Json::array();
      for (const auto& [value, name] : EnumNames<U>::values) names.push_back(name);
      return {{"type", "string"}, {"enum", names}};
    } else {
      return schema_of<U>().json_schema();
    }
  }
};

}  // namespace schema_detail

}  // namespace aws_helper
