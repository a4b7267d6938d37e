package org.privtune.ui.handlers;

import java.util.function.Consumer;

import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.core.di.annotations.CanExecute;
import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.e4.ui.workbench.modeling.EPartService.PartState;

/**
 * A menu command that acts on one of the studio's views: shows the view (creating it if needed)
 * and calls the actions of type {@code T} that the view put into its part context, so the menu and
 * the view's own button do the same thing.
 */
abstract class PartActionHandler<T> {

    private final String partId;
    private final Class<T> type;
    private final Consumer<T> action;

    PartActionHandler(String partId, Class<T> type, Consumer<T> action) {
        this.partId = partId;
        this.type = type;
        this.action = action;
    }

    @CanExecute
    public boolean canExecute(EPartService parts) {
        return parts.findPart(partId) != null;
    }

    @Execute
    public void execute(EPartService parts) {
        MPart part = parts.showPart(partId, PartState.ACTIVATE);
        IEclipseContext context = part == null ? null : part.getContext();
        T actions = context == null ? null : context.getLocal(type);
        if (actions != null) {
            action.accept(actions);
        }
    }
}
