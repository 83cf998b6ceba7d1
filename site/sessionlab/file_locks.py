"""The CacheLib store's session locks: a lock file per session, held with flock."""

import hashlib
import os

from filelock import FileLock, Timeout

LOCK_FILE_SUFFIX = ".lock"


class FileLocks:
    """A lock file per session, held with flock: the kernel releases it when its process
    dies, so a killed worker never blocks a session."""

    def __init__(self, folder):
        os.makedirs(folder, exist_ok=True)
        self.folder = folder

    def path(self, sid):
        # The id comes from the cookie: hashed, it names a file in the folder and nowhere else.
        name = hashlib.sha256(sid.encode()).hexdigest() + LOCK_FILE_SUFFIX
        return os.path.join(self.folder, name)

    def take(self, sid, wait):
        """The session's lock, taken; None when it stayed held by another for wait seconds."""
        lock = FileLock(self.path(sid), timeout=wait)
        try:
            lock.acquire()
        except Timeout:
            return None
        return lock

    def release(self, lock):
        lock.release()


def remove_lock_file(path):
    """Delete a lock file, unless a request holds it.

    Deleted while held, it would let the next request lock a new file while the holder
    still holds the old one.
    """
    lock = FileLock(path, timeout=0)
    try:
        with lock:
            os.remove(path)
    except (Timeout, FileNotFoundError):
        pass
