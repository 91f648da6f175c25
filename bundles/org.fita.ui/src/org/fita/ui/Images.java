package org.fita.ui;

import org.eclipse.jface.resource.ImageDescriptor;
import org.eclipse.jface.resource.ResourceLocator;

/** The icons under this bundle's icons/ folder (drawn by releng/scripts/MakeIcons.java). */
public final class Images {
    private Images() {
    }

    public static ImageDescriptor descriptor(String fileName) {
        return ResourceLocator.imageDescriptorFromBundle(Images.class, "icons/" + fileName)
                .orElseGet(ImageDescriptor::getMissingImageDescriptor);
    }
}
