//! The files rankfile keeps on disk are readable by the service alone.
//!
//! The data folder holds the SQLite database (the whole chart: a list an employer
//! would use to fire people) and the token signing key. At start-up rankfile sets its
//! umask to 0077, so every file and folder it creates is its own; makes the data folder
//! 0700 and the database, its `-wal` / `-shm` and `jwt.key` 0600 (files left by an
//! earlier version too); and refuses to start when others can write to the data folder,
//! since whoever can replace the key or the database can sign in as anyone.

use std::fs::{DirBuilder, Permissions};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::config::Settings;

const PRIVATE_DIR: u32 = 0o700;
const PRIVATE_FILE: u32 = 0o600;
/// The key file `app::auth::tokens::TokenKeys::load_or_generate` keeps in the data folder.
const KEY_FILE: &str = "jwt.key";

/// Sets the umask and secures the data folder and the files already in it. Call it
/// before anything is opened or created.
pub fn secure_data_dir(settings: &Settings) -> anyhow::Result<()> {
    // SAFETY: umask only swaps the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
    let dir = &settings.data_dir;
    match std::fs::metadata(dir) {
        Ok(meta) => {
            if !meta.is_dir() {
                bail!("the data folder {} is not a folder", dir.display());
            }
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o022 != 0 {
                bail!(
                    "the data folder {} can be written by other users (mode {mode:04o}), so \
                     anyone on this machine could replace the database or the signing key. \
                     Fix it with `chmod 700 {}` (and `chown` it to the user rankfile runs as), \
                     then start rankfile again",
                    dir.display(),
                    dir.display()
                );
            }
            if mode != PRIVATE_DIR {
                restrict(dir, PRIVATE_DIR)?;
            }
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            DirBuilder::new()
                .recursive(true)
                .mode(PRIVATE_DIR)
                .create(dir)
                .with_context(|| format!("creating the data folder {}", dir.display()))?;
        }
        Err(err) => {
            return Err(err).with_context(|| format!("reading the data folder {}", dir.display()))
        }
    }
    restrict_files(settings)
}

/// Makes the key and the SQLite files that exist 0600 (SQLite creates `-wal` and
/// `-shm` when it opens the database: call this again after opening it).
pub fn restrict_files(settings: &Settings) -> anyhow::Result<()> {
    let mut files = vec![settings.data_dir.join(KEY_FILE)];
    if let Some(db) = settings.database_url.sqlite_path() {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            files.push(PathBuf::from(format!("{db}{suffix}")));
        }
    }
    for file in files {
        match std::fs::metadata(&file) {
            Ok(meta) if meta.permissions().mode() & 0o777 != PRIVATE_FILE => {
                restrict(&file, PRIVATE_FILE)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn restrict(path: &Path, mode: u32) -> anyhow::Result<()> {
    std::fs::set_permissions(path, Permissions::from_mode(mode))
        .with_context(|| format!("making {} private (chmod {mode:o})", path.display()))
}
