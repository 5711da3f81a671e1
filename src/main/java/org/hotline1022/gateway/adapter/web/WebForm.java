package org.hotline1022.gateway.adapter.web;

/** A validated web portal submission. Optional fields are null when absent. */
record WebForm(String text, String name, String phone, String email, String district, String submissionId) {}
