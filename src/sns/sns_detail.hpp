// Private parts of the SNS publisher, declared so the fuzz target (tests/fuzz/aws_reply.cpp)
// can reach them; not part of the installed headers.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include <aws_helper/sns.hpp>

namespace aws_helper::detail {

// Reads one PublishBatch reply into `result`: an entry of <Successful> becomes a success with
// its MessageId, one of <Failed> gets its Code and Message. Entries are named by their batch
// Id, k for sent[k] (the index in result.entries); other Ids are ignored. False when `xml` is
// not XML.
[[nodiscard]] bool read_publish_batch_reply(std::string_view xml,
                                            const std::vector<std::size_t>& sent,
                                            BatchPublishResult& result);

}  // namespace aws_helper::detail
