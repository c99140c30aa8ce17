from . import test_override
