// The seed README's title-indexed topic: one SNSPublisher subclass per topic, its ARN from the
// environment.
#pragma once

#include <string>

#include <aws_helper/env.hpp>
#include <aws_helper/sns.hpp>

class TitleIndexedTopic : public aws_helper::SNSPublisher {
 public:
  TitleIndexedTopic() : SNSPublisher(aws_helper::require_env("TITLE_INDEXED_SNS_TOPIC_ARN")) {}

  static aws_helper::Json build_message(const std::string& constitution_id,
                                        const std::string& title,
                                        const std::string& event_type = "title_indexed") {
    return {{"content",
             {{"constitution_id", constitution_id}, {"title", title}, {"event_type", event_type}}},
            {"attributes", {{"event_type", event_type}}}};  // for subscription filter policies
  }
};
