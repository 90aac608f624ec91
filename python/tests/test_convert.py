"""Arrays cross into the library without copies where possible, and any layout works."""

import ctypes
import unittest

import numpy as np

from chorus import LabelModel, MajorityLabelVoter, _capi
from chorus._convert import VoteMatrix, as_int32
from support import needs_scipy, youtube


def address(ptr: object) -> int:
    return ctypes.cast(ptr, ctypes.c_void_p).value or 0


class DenseTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.L_train, _ = youtube("train")
        cls.L_test, _ = youtube("test")
        cls.model = LabelModel().fit(cls.L_train)
        cls.expected = cls.model.predict_proba(cls.L_test)

    def test_int32_c_contiguous_is_not_copied(self) -> None:
        L = np.ascontiguousarray(self.L_test, dtype=np.int32)
        self.assertIs(as_int32(L, "L", 2), L)
        with VoteMatrix(L, 2) as votes:
            handed = votes._keep[0]  # what chorus_votes_from_dense was given
            self.assertEqual(handed.ctypes.data, L.ctypes.data)

    def test_other_layouts_and_dtypes(self) -> None:
        wide = np.repeat(self.L_test, 2, axis=1)  # columns 0, 2, 4... are L_test
        cases = {
            "int64": self.L_test.astype(np.int64),
            "int8": self.L_test.astype(np.int8),
            "int16": self.L_test.astype(np.int16),
            "fortran": np.asfortranarray(self.L_test.astype(np.int32)),
            "strided": wide[:, ::2],
            "transposed view": np.ascontiguousarray(self.L_test.T).T,
            "list": self.L_test.tolist(),
            "integral floats": self.L_test.astype(np.float64),
        }
        for name, L in cases.items():
            with self.subTest(name):
                np.testing.assert_array_equal(self.model.predict_proba(L), self.expected)

    def test_empty(self) -> None:
        self.assertEqual(MajorityLabelVoter().predict_proba(np.empty((0, 3), int)).shape,
                         (0, 2))


@needs_scipy
class SparseTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        import scipy.sparse as sp
        cls.sp = sp
        cls.L_train, _ = youtube("train")
        cls.L_test, _ = youtube("test")
        cls.model = LabelModel().fit(cls.L_train)

    def to_csr(self, L: np.ndarray, **dtypes: type) -> "object":
        """Stored entries are the votes (class 0 included); abstains are not stored."""
        rows, cols = np.nonzero(L != -1)
        csr = self.sp.csr_matrix((L[rows, cols], (rows, cols)), shape=L.shape)
        csr.indptr = csr.indptr.astype(dtypes.get("indptr", np.int64))
        csr.indices = csr.indices.astype(dtypes.get("indices", np.int32))
        csr.data = csr.data.astype(dtypes.get("data", np.int32))
        return csr

    def test_csr_is_borrowed(self) -> None:
        csr = self.to_csr(self.L_test)
        with VoteMatrix(csr, 2) as votes:
            lib = _capi.lib
            self.assertEqual(address(lib.chorus_votes_row_ptr(votes.handle)),
                             csr.indptr.ctypes.data)
            self.assertEqual(address(lib.chorus_votes_lf_index(votes.handle)),
                             csr.indices.ctypes.data)
            self.assertEqual(address(lib.chorus_votes_labels(votes.handle)),
                             csr.data.ctypes.data)

    def test_csr_gives_the_dense_results(self) -> None:
        expected = self.model.predict_proba(self.L_test)
        scipy_defaults = self.to_csr(self.L_test, indptr=np.int32, data=np.float64)
        for csr in (self.to_csr(self.L_test), scipy_defaults, scipy_defaults.tocoo()):
            np.testing.assert_array_equal(self.model.predict_proba(csr), expected)
        fitted = LabelModel().fit(self.to_csr(self.L_train))
        np.testing.assert_array_equal(fitted.predict_proba(self.L_test), expected)

    def test_unsorted_indices(self) -> None:
        L = np.array([[1, -1, 0], [-1, 1, 1]])
        csr = self.sp.csr_matrix((np.array([0, 1, 1, 1]), np.array([2, 0, 2, 1]),
                                  np.array([0, 2, 4])), shape=(2, 3))
        self.assertFalse(csr.has_sorted_indices)
        np.testing.assert_array_equal(MajorityLabelVoter().predict_proba(csr),
                                      MajorityLabelVoter().predict_proba(L))


if __name__ == "__main__":
    unittest.main()
