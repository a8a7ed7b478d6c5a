package dev.tandem.sandbox.clarity.entity;

/** One row of a {@code *Digest} list: {@code {ID, Key, Hash}} (spec §5, §8). */
public record DigestModel(int id, String key, Long hash) {
}
