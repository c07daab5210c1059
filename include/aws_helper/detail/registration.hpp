// Used by the code aws_helper_add_service() generates; not for direct use.
#pragma once

#include <type_traits>

namespace aws_helper::detail {

template <class T, class = void>
struct is_complete : std::false_type {};
template <class T>
struct is_complete<T, std::void_t<decltype(sizeof(T))>> : std::true_type {};

template <class T>
inline constexpr bool is_complete_v = is_complete<T>::value;

}  // namespace aws_helper::detail
