package org.privtune.ui.data;

/**
 * What File > Import Data Set... asks of the Dataset Inspector; its part puts the implementation
 * into the part's context, where the menu's handler finds it.
 */
public interface DatasetImport {

    /** The import wizard; an imported data set is shown and remembered. */
    void importFile();
}
