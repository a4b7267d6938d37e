package org.privtune.ui.handlers;

import org.privtune.ui.data.DatasetInspectorPart;

/** File > Import Data Set...: the Dataset Inspector's import wizard. */
public class ImportDataSetHandler extends PartActionHandler<DatasetInspectorPart> {
    public ImportDataSetHandler() {
        super("org.privtune.ui.part.datasetInspector", DatasetInspectorPart.class, DatasetInspectorPart::importFile);
    }
}
