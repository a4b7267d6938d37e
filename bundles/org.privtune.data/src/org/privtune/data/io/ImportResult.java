package org.privtune.data.io;

import org.privtune.data.Dataset;

/** A data set that was imported whole, and the report of how. */
public record ImportResult(Dataset dataset, ImportReport report) {
}
