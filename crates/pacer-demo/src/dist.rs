//! The few distributions the generator needs, written here rather than
//! pulling in a statistics crate.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A uniform draw in (0, 1], safe for a logarithm.
fn unit_open(rng: &mut ChaCha8Rng) -> f64 {
    1.0 - rng.random::<f64>()
}

/// A Poisson draw by Knuth's method: multiply uniforms until the product
/// falls below e^-lambda. Fine for the small means used here (under ~10).
pub(crate) fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    let limit = (-lambda).exp();
    let mut k = 0;
    let mut product = rng.random::<f64>();
    while product > limit {
        k += 1;
        product *= rng.random::<f64>();
    }
    k
}

/// A standard normal draw (Box-Muller, one of the pair).
pub(crate) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let radius = (-2.0 * unit_open(rng).ln()).sqrt();
    radius * (std::f64::consts::TAU * rng.random::<f64>()).cos()
}

/// A log-normal draw with the given median and log-scale spread: amounts
/// and durations are skewed, with a few large values.
pub(crate) fn log_normal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// A uniform draw in [low, high).
pub(crate) fn uniform(rng: &mut ChaCha8Rng, low: f64, high: f64) -> f64 {
    low + (high - low) * rng.random::<f64>()
}

/// An index drawn with probability proportional to `weights` (all >= 0, not all 0).
pub(crate) fn weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut target = rng.random::<f64>() * total;
    for (i, weight) in weights.iter().enumerate() {
        if target < *weight {
            return i;
        }
        target -= weight;
    }
    // Rounding can leave a sliver past the last weight.
    weights.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn mean_and_variance(values: &[f64]) -> (f64, f64) {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        (mean, values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n)
    }

    #[test]
    fn poisson_mean_and_variance_match_lambda() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for lambda in [0.5, 3.5, 6.0] {
            let draws: Vec<f64> = (0..20_000).map(|_| f64::from(poisson(&mut rng, lambda))).collect();
            let (mean, variance) = mean_and_variance(&draws);
            assert!((mean - lambda).abs() < 0.05 * lambda + 0.02, "mean {mean} for {lambda}");
            assert!((variance - lambda).abs() < 0.1 * lambda + 0.02, "variance {variance} for {lambda}");
        }
        assert_eq!(poisson(&mut rng, 0.0), 0);
    }

    #[test]
    fn normal_and_log_normal() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let draws: Vec<f64> = (0..20_000).map(|_| normal(&mut rng)).collect();
        let (mean, variance) = mean_and_variance(&draws);
        assert!(mean.abs() < 0.03 && (variance - 1.0).abs() < 0.05, "{mean} {variance}");
        let mut amounts: Vec<f64> = (0..20_001).map(|_| log_normal(&mut rng, 1000.0, 0.5)).collect();
        amounts.sort_by(f64::total_cmp);
        let median = amounts[10_000];
        assert!((median - 1000.0).abs() < 30.0, "median {median}");
        assert!(amounts[0] > 0.0);
    }

    #[test]
    fn weighted_follows_weights() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[weighted(&mut rng, &[1.0, 0.0, 2.0])] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((f64::from(counts[2]) / f64::from(counts[0]) - 2.0).abs() < 0.1, "{counts:?}");
        let x = uniform(&mut rng, 2.0, 3.0);
        assert!((2.0..3.0).contains(&x));
    }
}
