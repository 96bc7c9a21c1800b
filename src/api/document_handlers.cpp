#include "api/service_handlers.hpp"

namespace darwaza::api::handlers {

http::HandlerResult upload_document(App& app, http::Request& req) {
  auto d = app.documents.upload(req.principal, req.raw.body(), req.query_param("filename").value_or(""));
  if (!d.ok()) return d.take_error();
  auto reply = http::Reply::json(201, {{"id", d->id},
                                       {"sha256", d->sha256},
                                       {"media_type", d->media_type},
                                       {"size", d->size},
                                       {"filename", d->filename},
                                       {"created_at", format_rfc3339(d->created_at)}});
  reply.headers.emplace_back("Location", "/v1/documents/" + d->id);
  return reply;
}

http::HandlerResult download_document(App& app, http::Request& req) {
  auto d = app.documents.download(req.principal, req.param("id"));
  if (!d.ok()) return d.take_error();
  auto reply = http::Reply::text(200, d->document.media_type, std::move(d->bytes));
  // Always a download, never rendered inline on our origin.
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"" +
                                                        (d->document.filename.empty() ? d->document.id
                                                                                      : d->document.filename) +
                                                        "\"");
  return reply;
}

}  // namespace darwaza::api::handlers
