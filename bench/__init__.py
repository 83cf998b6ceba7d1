"""The benchmark: Session Lab's session pages against a bare-Flask ceiling and the seed app."""
