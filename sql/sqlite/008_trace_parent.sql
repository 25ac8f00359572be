-- 008_trace_parent: an outbox row keeps the W3C trace context (traceparent) its write was made in, when it was made in
-- a sampled trace, so that the change carries it to every peer and its apply there is a span linked to the request
-- that made it. NULL outside a trace.
ALTER TABLE sync_queue ADD COLUMN trace_parent TEXT;
