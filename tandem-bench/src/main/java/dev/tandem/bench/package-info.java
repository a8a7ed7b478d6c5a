/**
 * Benchmarks: JMH micro-benchmarks ({@code java -jar tandem-bench/target/benchmarks.jar}) and load harnesses with a
 * {@code main} each. Commands and results: docs/benchmarks.md.
 */
package dev.tandem.bench;
