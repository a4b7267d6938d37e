package org.privtune.ui.handlers;

import jakarta.inject.Named;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.e4.ui.workbench.modeling.EPartService.PartState;

/** Window > (a view): brings the part with the id of the command parameter to the front. */
public class ShowPartHandler {

    /** The command's parameter: the element id of the part to show. */
    public static final String PART_ID = "org.privtune.ui.command.showPart.partId";

    @Execute
    public void execute(EPartService parts, @Named(PART_ID) String partId) {
        parts.showPart(partId, PartState.ACTIVATE);
    }
}
