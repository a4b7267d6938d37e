package org.privtune.studio;

import org.eclipse.core.runtime.jobs.ISchedulingRule;

/** A scheduling rule that conflicts only with itself: the Jobs holding one instance run one at a time. */
public final class MutexRule implements ISchedulingRule {

    @Override
    public boolean contains(ISchedulingRule rule) {
        return rule == this;
    }

    @Override
    public boolean isConflicting(ISchedulingRule rule) {
        return rule == this;
    }
}
