package dev.tandem.sandbox.clarity.model;

/** {@code NameableBaseModel} (spec §6): adds {@code Name} and {@code Description}. */
public interface Nameable extends CefModel {

    String name();

    String description();
}
