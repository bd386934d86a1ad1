"""A minimal writer for the cpio "newc" format the kernel unpacks as an
initramfs (pure: returns bytes)."""
import stat


def _pad4(n):
    return (4 - n % 4) % 4


def entry(name, mode, data=b"", ino=1, rdev=(0, 0), nlink=1):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join(f"{v:08X}" for v in (
        ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * _pad4(len(out))
    out += data + b"\0" * _pad4(len(data))
    return out


def archive(items):
    """items: (name, kind, payload): kind 'dir', 'file' (bytes, mode in
    payload[1]), 'symlink' (target), 'char' ((major, minor))."""
    out = b""
    for ino, (name, kind, payload) in enumerate(items, start=1):
        if kind == "dir":
            out += entry(name, stat.S_IFDIR | 0o755, ino=ino, nlink=2)
        elif kind == "file":
            data, mode = payload
            out += entry(name, stat.S_IFREG | mode, data, ino=ino)
        elif kind == "symlink":
            out += entry(name, stat.S_IFLNK | 0o777, payload.encode(), ino=ino)
        elif kind == "char":
            out += entry(name, stat.S_IFCHR | 0o600, ino=ino, rdev=payload)
        else:
            raise ValueError(kind)
    out += entry("TRAILER!!!", 0, ino=0)
    return out + b"\0" * _pad4(len(out))


def parse(buf):
    """[(name, mode, data)] - for tests."""
    out, off = [], 0
    while True:
        h = buf[off:off + 110].decode()
        assert h.startswith("070701"), h[:6]
        f = [int(h[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        namesize, filesize, mode = f[11], f[6], f[1]
        off += 110
        name = buf[off:off + namesize - 1].decode()
        off += namesize
        off += _pad4(110 + namesize)
        data = buf[off:off + filesize]
        off += filesize + _pad4(filesize)
        if name == "TRAILER!!!":
            return out
        out.append((name, mode, data))
