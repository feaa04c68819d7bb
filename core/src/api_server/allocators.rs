//! Service ClusterIP and NodePort allocation.
//!
//! Upstream: `pkg/registry/core/service/ipallocator/bitmap.go` and
//! `portallocator/allocator.go`, with the static/dynamic sub-range split of
//! ServiceIPStaticSubrange: user-chosen values are expected in the low band, so
//! dynamic allocation picks from the high band first, at a random offset, and
//! scans forward from there. Example for the kubeadm range 10.96.0.0/12:
//! 1,048,574 usable addresses, band offset min(max(16, 1048574/16), 256) = 256,
//! so a dynamic ClusterIP is drawn from 10.96.1.1 upwards.

use std::collections::BTreeSet;

use crate::rng::SimRng;

/// kubeadm's default service subnet.
pub const SERVICE_CIDR_BASE: [u8; 4] = [10, 96, 0, 0];
pub const SERVICE_CIDR_PREFIX_BITS: u32 = 12;
/// The NodePort range: 30000–32767.
pub const NODE_PORT_BASE: u32 = 30000;
pub const NODE_PORT_RANGE_SIZE: u32 = 2768;

/// Why an allocation failed, worded as the API server's field errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("provided IP is already allocated")]
    IpInUse,
    #[error("provided IP is not in the valid range. The range of valid IPs is {range}")]
    IpOutOfRange { range: String },
    #[error("provided port is already allocated")]
    PortInUse,
    #[error("provided port is not in the valid range. The range of valid ports is 30000-32767")]
    PortOutOfRange,
    #[error("range is full")]
    Full,
}

/// A bitmap-style allocator over `size` offsets, with a static low band.
#[derive(Clone, Debug)]
struct OffsetAllocator {
    size: u32,
    static_band: u32,
    used: BTreeSet<u32>,
}

impl OffsetAllocator {
    fn new(size: u32, static_band: u32) -> Self {
        OffsetAllocator {
            size,
            static_band,
            used: BTreeSet::new(),
        }
    }

    fn allocate_offset(&mut self, offset: u32) -> bool {
        offset < self.size && self.used.insert(offset)
    }

    /// A random free offset in the dynamic band, else in the static band.
    fn allocate_next(&mut self, rng: &mut SimRng) -> Option<u32> {
        let bands = [(self.static_band, self.size), (0, self.static_band)];
        for (start, end) in bands {
            if start >= end {
                continue;
            }
            let width = end - start;
            let first = start + rng.below(u64::from(width)) as u32;
            // Scan forward from the random start, wrapping within the band.
            let candidate = self
                .first_free(first, end)
                .or_else(|| self.first_free(start, first));
            if let Some(offset) = candidate {
                self.used.insert(offset);
                return Some(offset);
            }
        }
        None
    }

    fn release(&mut self, offset: u32) {
        self.used.remove(&offset);
    }

    /// The lowest free offset in `from..to`.
    fn first_free(&self, from: u32, to: u32) -> Option<u32> {
        let mut candidate = from;
        for used in self.used.range(from..to) {
            if *used != candidate {
                break;
            }
            candidate += 1;
        }
        (candidate < to).then_some(candidate)
    }
}

/// ClusterIPs from the service CIDR. Offset 0 is the first usable address
/// (10.96.0.1, which the `kubernetes` Service takes).
#[derive(Clone, Debug)]
pub struct ClusterIpAllocator {
    base: u32,
    allocator: OffsetAllocator,
}

impl Default for ClusterIpAllocator {
    fn default() -> Self {
        let base = u32::from_be_bytes(SERVICE_CIDR_BASE);
        // Network and broadcast addresses are not usable.
        let size = (1u32 << (32 - SERVICE_CIDR_PREFIX_BITS)) - 2;
        let static_band = if size <= 16 {
            0
        } else {
            (size / 16).clamp(16, 256)
        };
        ClusterIpAllocator {
            base,
            allocator: OffsetAllocator::new(size, static_band),
        }
    }
}

impl ClusterIpAllocator {
    pub fn range(&self) -> String {
        let [a, b, c, d] = SERVICE_CIDR_BASE;
        format!("{a}.{b}.{c}.{d}/{SERVICE_CIDR_PREFIX_BITS}")
    }

    /// Reserves a specific address (`spec.clusterIP` given by the user).
    pub fn allocate(&mut self, ip: &str) -> Result<(), AllocationError> {
        let offset = self
            .offset_of(ip)
            .ok_or_else(|| AllocationError::IpOutOfRange {
                range: self.range(),
            })?;
        if self.allocator.allocate_offset(offset) {
            Ok(())
        } else {
            Err(AllocationError::IpInUse)
        }
    }

    /// Picks a free address.
    pub fn allocate_next(&mut self, rng: &mut SimRng) -> Result<String, AllocationError> {
        let offset = self
            .allocator
            .allocate_next(rng)
            .ok_or(AllocationError::Full)?;
        Ok(self.ip_at(offset))
    }

    pub fn release(&mut self, ip: &str) {
        if let Some(offset) = self.offset_of(ip) {
            self.allocator.release(offset);
        }
    }

    /// The address at an offset: 0 → 10.96.0.1, 9 → 10.96.0.10.
    pub fn ip_at(&self, offset: u32) -> String {
        let [a, b, c, d] = (self.base + 1 + offset).to_be_bytes();
        format!("{a}.{b}.{c}.{d}")
    }

    fn offset_of(&self, ip: &str) -> Option<u32> {
        let octets: Vec<u8> = ip
            .split('.')
            .map(|part| part.parse().ok())
            .collect::<Option<_>>()?;
        let octets: [u8; 4] = octets.try_into().ok()?;
        let value = u32::from_be_bytes(octets);
        let offset = value.checked_sub(self.base + 1)?;
        (offset < self.allocator.size).then_some(offset)
    }
}

/// NodePorts from 30000–32767.
#[derive(Clone, Debug)]
pub struct NodePortAllocator {
    allocator: OffsetAllocator,
}

impl Default for NodePortAllocator {
    fn default() -> Self {
        let static_band = if NODE_PORT_RANGE_SIZE <= 16 {
            0
        } else {
            (NODE_PORT_RANGE_SIZE / 32).clamp(16, 128)
        };
        NodePortAllocator {
            allocator: OffsetAllocator::new(NODE_PORT_RANGE_SIZE, static_band),
        }
    }
}

impl NodePortAllocator {
    pub fn allocate(&mut self, port: i32) -> Result<(), AllocationError> {
        let offset = u32::try_from(port)
            .ok()
            .and_then(|port| port.checked_sub(NODE_PORT_BASE))
            .filter(|offset| *offset < NODE_PORT_RANGE_SIZE)
            .ok_or(AllocationError::PortOutOfRange)?;
        if self.allocator.allocate_offset(offset) {
            Ok(())
        } else {
            Err(AllocationError::PortInUse)
        }
    }

    pub fn allocate_next(&mut self, rng: &mut SimRng) -> Result<i32, AllocationError> {
        let offset = self
            .allocator
            .allocate_next(rng)
            .ok_or(AllocationError::Full)?;
        Ok((NODE_PORT_BASE + offset) as i32)
    }

    pub fn release(&mut self, port: i32) {
        if let Some(offset) = u32::try_from(port)
            .ok()
            .and_then(|port| port.checked_sub(NODE_PORT_BASE))
        {
            self.allocator.release(offset);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_service_addresses() {
        let mut allocator = ClusterIpAllocator::default();
        assert_eq!(allocator.ip_at(0), "10.96.0.1");
        assert_eq!(allocator.ip_at(9), "10.96.0.10");
        allocator.allocate("10.96.0.1").unwrap();
        assert_eq!(
            allocator.allocate("10.96.0.1"),
            Err(AllocationError::IpInUse)
        );
        assert!(matches!(
            allocator.allocate("10.112.0.1"),
            Err(AllocationError::IpOutOfRange { .. })
        ));
        assert!(matches!(
            allocator.allocate("192.168.0.1"),
            Err(AllocationError::IpOutOfRange { .. })
        ));
    }

    #[test]
    fn dynamic_addresses_come_from_the_upper_band_and_never_repeat() {
        let mut allocator = ClusterIpAllocator::default();
        let mut rng = SimRng::new(5);
        let mut seen = BTreeSet::new();
        for _ in 0..1000 {
            let ip = allocator.allocate_next(&mut rng).unwrap();
            let offset = allocator.offset_of(&ip).unwrap();
            assert!(offset >= 256, "{ip} is in the static band");
            assert!(seen.insert(ip));
        }
    }

    #[test]
    fn node_ports_fill_the_whole_range_then_report_full() {
        let mut allocator = NodePortAllocator::default();
        let mut rng = SimRng::new(9);
        allocator.allocate(30080).unwrap();
        assert_eq!(allocator.allocate(30080), Err(AllocationError::PortInUse));
        assert_eq!(
            allocator.allocate(29999),
            Err(AllocationError::PortOutOfRange)
        );
        let mut ports = BTreeSet::new();
        for _ in 0..(NODE_PORT_RANGE_SIZE - 1) {
            let port = allocator.allocate_next(&mut rng).unwrap();
            assert!((30000..=32767).contains(&port));
            assert!(ports.insert(port));
        }
        assert_eq!(
            allocator.allocate_next(&mut rng),
            Err(AllocationError::Full)
        );
        // The first dynamic ports come from above the static band (30000 + 86).
        let mut fresh = NodePortAllocator::default();
        assert!(fresh.allocate_next(&mut SimRng::new(1)).unwrap() >= 30086);
    }
}
