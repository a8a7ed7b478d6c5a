/** Offline field-mapping suggestions (issue 13): see docs/ai-mapping.md. */
package dev.tandem.mapping.ai;
