// A test-only SMTP server on an ephemeral loopback port (Boost.Asio, one connection at a time):
// accepts every message, or refuses the first `refuse_first` ones with a 451 at the end of DATA
// so that the sender must retry. Records what it accepted and refused.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace darwaza::test {

struct SmtpMessage {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string data;  // the message as sent (headers and body, CRLF lines, dots unstuffed)
  std::string header(const std::string& name) const;  // first header of that name, unfolded; "" if none
};

class SmtpSink {
 public:
  explicit SmtpSink(int refuse_first = 0);
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  unsigned short port() const { return port_; }
  std::vector<SmtpMessage> accepted();
  std::vector<SmtpMessage> refused();
  // Waits until at least `n` messages were accepted, or the timeout passes; true when they were.
  bool wait_for_accepted(std::size_t n, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  void serve();
  void session(void* socket);

  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
  int refuse_left_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SmtpMessage> accepted_, refused_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace darwaza::test
