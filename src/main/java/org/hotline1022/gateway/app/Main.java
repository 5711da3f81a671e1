package org.hotline1022.gateway.app;
public class Main { public static void main(String[] a) {} }
