-- A registry's records of one status in registration order: a public listing of one status (the
-- revoked licences of a registry, say) reads those records and no others, for its page, its next
-- page (`after`) and its count. Before, such a listing walked the registry's every record in
-- registration order and dropped the others one at a time, and its count went on to the end of the
-- registry whenever fewer than its bound held that status.
CREATE INDEX registry_records_by_status ON registry_records (registry, status, seq);
