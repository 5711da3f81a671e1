package org.hotline1022.gateway.config;

/** The batching writer: bounded queue, batch size, concurrency, and how long adapters wait for a commit. */
public record WriterConfig(int queueCapacity, int maxBatch, int parallelBatches, long ackTimeoutMs, int retryAfterSeconds) {}
