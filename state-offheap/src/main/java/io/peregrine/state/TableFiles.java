package io.peregrine.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static io.peregrine.state.MappedSlotTable.FILE_SUFFIX;
import static io.peregrine.state.MappedSlotTable.GROW_SUFFIX;

/**
 * The files of one {@link MappedSlotTable} in its directory: {@code <name>.state} and, while the table grows,
 * {@code <name>.state.grow}. Creates and opens a table's region, adopting a finished growth and refusing an
 * interrupted one, and ends a growth by giving the larger file the table's name.
 */
final class TableFiles
{
    private TableFiles()
    {
    }

    /**
     * Create the region of a new table; neither of its files may exist.
     *
     * @return the region of {@code dir/name.state}, created and mapped.
     * @throws StateFileException if a file of the table exists or the file cannot be created.
     */
    static SlotRegion create(
        final Path dir,
        final String name,
        final long capacity,
        final int valueLength,
        final int slotLength,
        final int epoch)
    {
        final Path file = dir.resolve(name + FILE_SUFFIX);
        if (Files.exists(file))
        {
            throw new StateFileException(file, "already exists: open it, or delete it to start empty");
        }
        final Path growFile = growFile(dir, name);
        if (Files.exists(growFile))
        {
            throw new StateFileException(growFile, "left by an interrupted growth: delete it to start empty");
        }
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new StateFileException(file, "cannot create the directory", ex);
        }
        return SlotRegion.create(file, capacity, valueLength, slotLength, epoch);
    }

    /**
     * Open the region of an existing table. A {@code .grow} file alone is a finished growth that was not yet renamed:
     * it is renamed and opened; beside the table's file it is an interrupted growth and is refused.
     *
     * @return the region of {@code dir/name.state}, its header checked and mapped.
     * @throws StateFileException naming the file if it is missing, refused or cannot be opened.
     */
    static SlotRegion open(final Path dir, final String name, final int valueLength, final int slotLength)
    {
        final Path file = dir.resolve(name + FILE_SUFFIX);
        final Path growFile = growFile(dir, name);
        if (Files.exists(growFile))
        {
            if (Files.exists(file))
            {
                throw new StateFileException(growFile, "the process stopped while the table was growing, so its " +
                    "entries are split over two files: delete both files and restore the table from the last " +
                    "checkpoint");
            }
            // Growth had finished and the old file was unlinked; only the rename was missing.
            try
            {
                Files.move(growFile, file, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final IOException ex)
            {
                throw new StateFileException(growFile, "cannot rename a completed growth to " + file, ex);
            }
        }
        if (!Files.exists(file))
        {
            throw new StateFileException(file, "does not exist: create the table instead");
        }
        return SlotRegion.open(file, valueLength, slotLength);
    }

    /**
     * @return the file a growing table of this name migrates into, {@code dir/name.state.grow}.
     */
    static Path growFile(final Path dir, final String name)
    {
        return dir.resolve(name + GROW_SUFFIX);
    }

    /**
     * End a growth: unlink the drained file, then give the current file the table's name.
     * <p>
     * Not a rename over the old file: ext4 (auto_da_alloc) would then start writeback of the whole new file inside
     * the insert that ends the growth. The unlinked inode lives while mapped. A crash between the two steps leaves
     * only the complete {@code .grow} file, which {@link #open} adopts.
     *
     * @param drained the region the growth drained, still mapped.
     * @param current the region it migrated into.
     */
    static void replace(final SlotRegion drained, final SlotRegion current, final Path dir, final String name)
    {
        try
        {
            Files.deleteIfExists(drained.file);
        }
        catch (final IOException ex)
        {
            throw new StateFileException(drained.file, "cannot delete the drained file (" + ex + ")", ex);
        }
        current.renameTo(dir.resolve(name + FILE_SUFFIX));
    }
}
