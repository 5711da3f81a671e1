package org.hotline1022.gateway.config;

/** The agents' live stream. */
public record AgentsConfig(int writeQueueBytes, int replayPageSize, int maxReplayBuffer, long feedPollMs) {}
