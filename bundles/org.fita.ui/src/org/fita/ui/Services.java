package org.fita.ui;

import org.eclipse.ui.services.IServiceLocator;

/**
 * Engine services for views and handlers. The workbench's service locator falls back to the OSGi
 * registry, where Declarative Services put the engine components.
 */
public final class Services {
    private Services() {
    }

    public static <T> T get(IServiceLocator locator, Class<T> type) {
        T service = locator.getService(type);
        if (service == null) {
            throw new IllegalStateException("The " + type.getSimpleName() + " service is not running: is the "
                    + "Declarative Services runtime (org.apache.felix.scr) started?");
        }
        return service;
    }
}
