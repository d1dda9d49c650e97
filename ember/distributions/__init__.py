"""torch.distributions: probability distributions with sampling, log_prob and KL divergences."""
__all__ = []
