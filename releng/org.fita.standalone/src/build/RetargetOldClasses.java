import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites, in place, every class of a jar whose class file version is below 50 (Java 6) as
 * version 52 (Java 8), with the stack maps that version needs. The JVM's class-data sharing and AOT
 * cache skip classes older than version 50 ("old class has been linked"), and picocli is compiled
 * for Java 5: without this, its ~180 classes are parsed, verified and linked again at every start.
 * Run by the build with the JDK 24+ source launcher: {@code java RetargetOldClasses.java JAR...}.
 */
public final class RetargetOldClasses {
    private static final int TARGET_MAJOR = 52;

    public static void main(String[] args) throws Exception {
        for (String name : args) {
            Path jar = Path.of(name);
            Path out = jar.resolveSibling(jar.getFileName() + ".retarget");
            int count = 0;
            try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                    ZipFile zip = new ZipFile(jar.toFile());
                    ZipOutputStream zos = new ZipOutputStream(Files.newOutputStream(out))) {
                // Stack maps merge types: the jar's own classes must be resolvable, not only the JDK's.
                ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                        ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.ofResourceParsing(loader)
                                .orElse(ClassHierarchyResolver.defaultResolver())));
                ClassTransform version = (builder, element) -> {
                    if (element instanceof ClassFileVersion) {
                        builder.withVersion(TARGET_MAJOR, 0);
                    } else {
                        builder.with(element);
                    }
                };
                // Rebuilding every method body is what makes the stack maps be generated.
                ClassTransform retarget = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                        .andThen(version);
                for (ZipEntry entry : Collections.list(zip.entries())) {
                    byte[] bytes = zip.getInputStream(entry).readAllBytes();
                    if (entry.getName().endsWith(".class") && bytes.length > 8
                            && ((bytes[6] & 0xff) << 8 | (bytes[7] & 0xff)) < 50) {
                        bytes = classFile.transformClass(classFile.parse(bytes), retarget);
                        count++;
                    }
                    ZipEntry copy = new ZipEntry(entry.getName());
                    copy.setTime(entry.getTime());
                    zos.putNextEntry(copy);
                    zos.write(bytes);
                    zos.closeEntry();
                }
            }
            Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
            System.out.println(jar.getFileName() + ": " + count + " classes older than Java 6 rewritten as Java 8");
        }
    }
}
