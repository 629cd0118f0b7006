//! Large, short-lived allocations go back to the system when they are freed.
//!
//! glibc's malloc serves a large request (above 128 KiB) with its own mapping and unmaps it
//! on free, but after the first such free it raises that threshold to the freed size, up to
//! 32 MiB. From then on every argon2 hash outside the hashing pool's reused memory (a staff
//! password: 19 MiB) is carved from a thread's arena, and freeing it keeps the memory in the
//! process: measured by `make bench`, two staff sign-ups left 38 MiB resident for good.
//! Fixing the threshold keeps large blocks in their own mappings. The hashing pool's
//! workers keep theirs for reuse (`breachcheck::digest`), so a lookup maps nothing.

/// The threshold, fixed: blocks from 1 MiB up are mapped on their own and unmapped on free.
const MMAP_THRESHOLD_BYTES: i32 = 1 << 20;

/// Call once, first thing in the process (before threads allocate).
pub fn return_large_blocks_on_free() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes malloc's tuning; M_MMAP_THRESHOLD accepts any value up
    // to 32 MiB on 64-bit glibc, and an unaccepted value is refused (returns 0), not UB.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    fn resident_mib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        kib / 1024
    }

    /// The same 19 MiB a staff password hash takes, allocated, written and freed again
    /// and again: without the fixed threshold the second one stays resident.
    #[test]
    fn freed_large_blocks_leave_the_process() {
        return_large_blocks_on_free();
        let before = resident_mib();
        for round in 0..4u8 {
            let mut block = vec![0u8; 19 << 20];
            block.iter_mut().step_by(4096).for_each(|b| *b = round + 1);
            std::hint::black_box(&block);
        }
        let after = resident_mib();
        assert!(
            after < before + 10,
            "{before} MiB before, {after} MiB after the blocks were freed"
        );
    }
}
