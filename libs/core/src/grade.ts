export const QUALITY_GRADES = ['A', 'B', 'C'] as const;
export type QualityGrade = (typeof QUALITY_GRADES)[number];

/** Grade A is best. */
export function gradeAtLeast(grade: QualityGrade, minimum: QualityGrade): boolean {
  return QUALITY_GRADES.indexOf(grade) <= QUALITY_GRADES.indexOf(minimum);
}
