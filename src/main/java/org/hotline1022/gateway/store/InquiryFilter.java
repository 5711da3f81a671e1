package org.hotline1022.gateway.store;

import java.util.List;

/**
 * A list query: every list is "any of these" (empty = no restriction); {@code q} is free text.
 * {@code scopeDepartment} confines an officer to their department (null = everything).
 */
public record InquiryFilter(List<String> statuses, List<String> departments, List<String> topics, List<String> priorities,
    List<String> channels, String q, String scopeDepartment, int limit, int offset) {}
