package org.privtune.model;

/** One training or evaluation example: a sentence and its class index. */
public record LabelledText(String text, int label) {
}
