import { registerEnumType } from '@nestjs/graphql';

export enum Role {
  KITCHEN_MANAGER = 'KITCHEN_MANAGER',
  COOPERATIVE_OPERATOR = 'COOPERATIVE_OPERATOR',
  CITY_COORDINATOR = 'CITY_COORDINATOR',
  TRADE_CENTER_OFFICER = 'TRADE_CENTER_OFFICER',
  ADMIN = 'ADMIN',
}
export enum OrganizationKind {
  KITCHEN = 'KITCHEN',
  COOPERATIVE = 'COOPERATIVE',
  CITY_OFFICE = 'CITY_OFFICE',
  TRADE_CENTER = 'TRADE_CENTER',
  CONSIGNOR = 'CONSIGNOR',
}
export enum QualityGrade {
  A = 'A',
  B = 'B',
  C = 'C',
}
export enum StockSource {
  OWN = 'OWN',
  CONSIGNMENT = 'CONSIGNMENT',
  BUMN = 'BUMN',
}
export enum DemandStatus {
  OPEN = 'OPEN',
  EVALUATING = 'EVALUATING',
  AWARDED = 'AWARDED',
  PARTIALLY_AWARDED = 'PARTIALLY_AWARDED',
  UNFILLED = 'UNFILLED',
  CANCELLED = 'CANCELLED',
}
export enum OfferStatus {
  SUBMITTED = 'SUBMITTED',
  WITHDRAWN = 'WITHDRAWN',
  AWARDED = 'AWARDED',
  PARTIALLY_AWARDED = 'PARTIALLY_AWARDED',
  NOT_AWARDED = 'NOT_AWARDED',
  INVALID = 'INVALID',
}
export enum OrderStatus {
  CONFIRMED = 'CONFIRMED',
  DECLINED = 'DECLINED',
  DISPATCHED = 'DISPATCHED',
  RECEIVED = 'RECEIVED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(Role, { name: 'Role' });
registerEnumType(OrganizationKind, { name: 'OrganizationKind' });
registerEnumType(QualityGrade, { name: 'QualityGrade' });
registerEnumType(StockSource, { name: 'StockSource' });
registerEnumType(DemandStatus, { name: 'DemandStatus' });
registerEnumType(OfferStatus, { name: 'OfferStatus' });
registerEnumType(OrderStatus, { name: 'OrderStatus' });

export enum InvoiceStatus {
  ISSUED = 'ISSUED',
  PARTIALLY_PAID = 'PARTIALLY_PAID',
  PAID = 'PAID',
}
export enum PayableStatus {
  OPEN = 'OPEN',
  PAID = 'PAID',
}
registerEnumType(InvoiceStatus, { name: 'InvoiceStatus' });
registerEnumType(PayableStatus, { name: 'PayableStatus' });
