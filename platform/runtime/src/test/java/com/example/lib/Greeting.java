package com.example.lib;

/**
 * The platform's own copy of a library that domain jars also ship, in other versions
 * ({@code LibraryIsolationTest}): a jar must see its version, not this one.
 */
public final class Greeting {

    public static final String VERSION = "0.9 (the platform's)";

    private Greeting() {
    }

    public static String greet(String name) {
        return "greetings " + name + " (library " + VERSION + ")";
    }
}
