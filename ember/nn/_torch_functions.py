"""The torch-level forms of nn functionals (torch.dropout, torch.layer_norm, torch.embedding ...), with ATen's
argument lists."""
__all__ = []
