package org.privtune.ui.handlers;

import org.privtune.ui.data.DatasetImport;
import org.privtune.ui.data.DatasetInspectorPart;

/** File > Import Data Set...: the Dataset Inspector's import wizard. */
public class ImportDataSetHandler extends PartActionHandler<DatasetImport> {
    public ImportDataSetHandler() {
        super(DatasetInspectorPart.ID, DatasetImport.class, DatasetImport::importFile);
    }
}
