// Generated from schema.graphql and operations.graphql by apps/web/codegen/generate-operations.ts.
// Do not edit: `UPDATE_WEB_SCHEMA=1 npm test -- test/e2e/web-schema` rewrites it.

export interface TypedDocument<TResult, TVariables> {
  readonly name: string;
  readonly source: string;
  readonly mutation: boolean;
  /** Never set: carries the types. */
  readonly __types?: { result: TResult; variables: TVariables };
}

export type CertificateKind = 'BPOM_MD' | 'HALAL' | 'NKV' | 'PIRT' | 'SLHS';
export type DemandStatus = 'AWARDED' | 'CANCELLED' | 'EVALUATING' | 'OPEN' | 'PARTIALLY_AWARDED' | 'UNFILLED';
export type InvoiceStatus = 'ISSUED' | 'PAID' | 'PARTIALLY_PAID';
export type NotificationKind = 'ALERT' | 'BIDDING_CLOSING' | 'CERTIFICATE_EXPIRING' | 'DEMAND_OPENED' | 'INVOICE_ISSUED' | 'OFFER_AWARDED' | 'OFFER_NOT_AWARDED' | 'ORDER_CONFIRMED' | 'ORDER_DECLINED' | 'ORDER_DISPATCHED' | 'ORDER_RECEIVED' | 'PAYABLE_SETTLED' | 'PAYMENT_RECEIVED' | 'SHORTFALL' | 'TRADE_ALLOTTED' | 'TRADE_SHIPMENT_OPEN';
export type OfferStatus = 'AWARDED' | 'INVALID' | 'NOT_AWARDED' | 'PARTIALLY_AWARDED' | 'SUBMITTED' | 'WITHDRAWN';
export type OrderStatus = 'CANCELLED' | 'CONFIRMED' | 'DECLINED' | 'DISPATCHED' | 'RECEIVED';
export type OrganizationKind = 'CITY_OFFICE' | 'CONSIGNOR' | 'COOPERATIVE' | 'KITCHEN' | 'TRADE_CENTER';
export type PayableStatus = 'OPEN' | 'PAID';
export type QualityGrade = 'A' | 'B' | 'C';
export type Role = 'ADMIN' | 'CITY_COORDINATOR' | 'COOPERATIVE_OPERATOR' | 'KITCHEN_MANAGER' | 'TRADE_CENTER_OFFICER';
export type StockSource = 'BUMN' | 'CONSIGNMENT' | 'OWN';

export interface CertificateRuleInput {
  commodityCode: string;
  kind: CertificateKind;
}

export interface CommodityMinimumInput {
  commodityCode: string;
  quantity: number;
}

export interface DemandLineInput {
  commodityCode: string;
  maxUnitPrice?: number | null;
  minGrade?: QualityGrade | null;
  quantity: number;
  unit?: string | null;
}

export interface InspectionInput {
  inspectorName: string;
  notes?: string | null;
  photoUrl?: string | null;
  temperatureCelsius?: number | null;
}

export interface LoginInput {
  email: string;
  password: string;
}

export interface MarketPolicyInput {
  budgetPerPortion?: number | null;
  defaultWeights?: ScoringWeightsInput | null;
  diversityTolerance?: number | null;
  maxSuppliersPerLine?: number | null;
  minAwardQuantities?: Array<CommodityMinimumInput> | null;
  minSuppliersPerKitchen?: number | null;
  regionCode: string;
  requiredCertificates?: Array<CertificateRuleInput> | null;
}

export interface OfferInput {
  demandLineId: string;
  quantity: number;
  stockLotId: string;
  unit?: string | null;
  unitPrice: number;
}

export interface OrganizationInput {
  kind: OrganizationKind;
  latitude?: number | null;
  longitude?: number | null;
  name: string;
  regionCode: string;
}

export interface PostDemandInput {
  biddingClosesAt: string;
  deliverBy?: string | null;
  deliveryDate: string;
  lines: Array<DemandLineInput>;
  note?: string | null;
  weights?: ScoringWeightsInput | null;
}

export interface ReceiptLineInput {
  acceptedQuantity: number;
  orderLineId: string;
  rejectedQuantity: number;
  rejectionReason?: string | null;
}

export interface ReceiveOrderInput {
  inspection?: InspectionInput | null;
  lines: Array<ReceiptLineInput>;
  orderId: string;
}

export interface ScoringWeightsInput {
  distance: number;
  price: number;
  quality: number;
  reliability: number;
}

export interface StockLotInput {
  commodityCode: string;
  consignorId?: string | null;
  expiresOn?: string | null;
  grade: QualityGrade;
  quantity: number;
  source: StockSource;
  unit?: string | null;
  unitCost?: number | null;
}

export interface UserInput {
  email: string;
  name: string;
  organizationId: string;
  password: string;
  role: Role;
}

export type LoginResult = {
  login: {
    accessToken: string;
    user: {
      id: string;
      name: string;
      email: string;
      role: Role;
      organization: {
        id: string;
        name: string;
        kind: OrganizationKind;
        regionCode: string;
      } | null;
    };
  };
};
export type LoginVariables = {
  input: LoginInput;
};
export const Login: TypedDocument<LoginResult, LoginVariables> = {
  name: 'Login',
  source: "mutation Login($input: LoginInput!) {\n  login(input: $input) {\n    accessToken\n    user {\n      id\n      name\n      email\n      role\n      organization {\n        id\n        name\n        kind\n        regionCode\n      }\n    }\n  }\n}",
  mutation: true,
};

export type CatalogueResult = {
  commodities: Array<{
    code: string;
    name: string;
    nameId: string;
    baseUnit: string;
    units: Array<{
      code: string;
      label: string;
      toBase: number;
    }>;
  }>;
  referencePrices: Array<{
    commodity: {
      code: string;
    };
    unitPrice: number;
  }>;
};
export type CatalogueVariables = {
  regionCode: string;
};
export const Catalogue: TypedDocument<CatalogueResult, CatalogueVariables> = {
  name: 'Catalogue',
  source: "query Catalogue($regionCode: String!) {\n  commodities {\n    code\n    name\n    nameId\n    baseUnit\n    units {\n      code\n      label\n      toBase\n    }\n  }\n  referencePrices(regionCode: $regionCode) {\n    commodity {\n      code\n    }\n    unitPrice\n  }\n}",
  mutation: false,
};

export type KitchenHomeResult = {
  myDemands: {
    edges: Array<{
      node: {
        id: string;
        status: DemandStatus;
        deliveryDate: string;
        biddingClosesAt: string;
        lines: Array<{
          id: string;
          quantity: number;
          awardedQuantity: number;
          offerCount: number;
          commodity: {
            code: string;
            nameId: string;
            name: string;
            baseUnit: string;
          };
        }>;
      };
    }>;
  };
  purchaseOrders: {
    edges: Array<{
      node: {
        id: string;
        number: string;
        status: OrderStatus;
        deliveryDate: string;
        deliverBy: string;
        total: number;
        cooperative: {
          name: string;
        };
      };
    }>;
  };
  kitchenSpending: {
    cycleStart: string;
    cycleEnd: string;
    committed: number;
    invoiced: number;
    paid: number;
    outstanding: number;
  };
};
export type KitchenHomeVariables = {
  cycleStart: string;
};
export const KitchenHome: TypedDocument<KitchenHomeResult, KitchenHomeVariables> = {
  name: 'KitchenHome',
  source: "query KitchenHome($cycleStart: Date!) {\n  myDemands(first: 20) {\n    edges {\n      node {\n        id\n        status\n        deliveryDate\n        biddingClosesAt\n        lines {\n          id\n          quantity\n          awardedQuantity\n          offerCount\n          commodity {\n            code\n            nameId\n            name\n            baseUnit\n          }\n        }\n      }\n    }\n  }\n  purchaseOrders(first: 20) {\n    edges {\n      node {\n        id\n        number\n        status\n        deliveryDate\n        deliverBy\n        total\n        cooperative {\n          name\n        }\n      }\n    }\n  }\n  kitchenSpending(cycleStart: $cycleStart) {\n    cycleStart\n    cycleEnd\n    committed\n    invoiced\n    paid\n    outstanding\n  }\n}",
  mutation: false,
};

export type MyDemandsResult = {
  myDemands: {
    edges: Array<{
      node: {
        id: string;
        status: DemandStatus;
        deliveryDate: string;
        biddingClosesAt: string;
        lines: Array<{
          id: string;
          quantity: number;
          maxUnitPrice: number | null;
          commodity: {
            code: string;
            nameId: string;
            name: string;
            baseUnit: string;
          };
        }>;
      };
    }>;
    pageInfo: {
      hasNextPage: boolean;
      endCursor: string | null;
    };
  };
};
export type MyDemandsVariables = {
  after?: string | null;
};
export const MyDemands: TypedDocument<MyDemandsResult, MyDemandsVariables> = {
  name: 'MyDemands',
  source: "query MyDemands($after: String) {\n  myDemands(first: 20, after: $after) {\n    edges {\n      node {\n        id\n        status\n        deliveryDate\n        biddingClosesAt\n        lines {\n          id\n          quantity\n          maxUnitPrice\n          commodity {\n            code\n            nameId\n            name\n            baseUnit\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}",
  mutation: false,
};

export type PostDemandResult = {
  postDemand: {
    id: string;
  };
};
export type PostDemandVariables = {
  input: PostDemandInput;
};
export const PostDemand: TypedDocument<PostDemandResult, PostDemandVariables> = {
  name: 'PostDemand',
  source: "mutation PostDemand($input: PostDemandInput!) {\n  postDemand(input: $input) {\n    id\n  }\n}",
  mutation: true,
};

export type DemandResult = {
  demand: {
    id: string;
    status: DemandStatus;
    deliveryDate: string;
    biddingClosesAt: string;
    deliverBy: string;
    kitchen: {
      id: string;
      name: string;
    };
    lines: Array<{
      id: string;
      quantity: number;
      maxUnitPrice: number | null;
      offerCount: number;
      awardedQuantity: number;
      commodity: {
        code: string;
        name: string;
        nameId: string;
        baseUnit: string;
      };
      evaluations: Array<{
        valid: boolean;
        invalidReason: string | null;
        rank: number;
        total: number | null;
        awardedQuantity: number;
        explanation: string;
        explanationId: string;
        offer: {
          id: string;
          quantity: number;
          unitPrice: number;
          grade: QualityGrade;
          status: OfferStatus;
          cooperative: {
            id: string;
            name: string;
          };
        };
      }>;
      awards: Array<{
        id: string;
        quantity: number;
        unitPrice: number;
        offer: {
          cooperative: {
            name: string;
          };
        };
        order: {
          id: string;
          number: string;
        };
      }>;
    }>;
  };
};
export type DemandVariables = {
  id: string;
};
export const Demand: TypedDocument<DemandResult, DemandVariables> = {
  name: 'Demand',
  source: "query Demand($id: ID!) {\n  demand(id: $id) {\n    id\n    status\n    deliveryDate\n    biddingClosesAt\n    deliverBy\n    kitchen {\n      id\n      name\n    }\n    lines {\n      id\n      quantity\n      maxUnitPrice\n      offerCount\n      awardedQuantity\n      commodity {\n        code\n        name\n        nameId\n        baseUnit\n      }\n      evaluations {\n        valid\n        invalidReason\n        rank\n        total\n        awardedQuantity\n        explanation\n        explanationId\n        offer {\n          id\n          quantity\n          unitPrice\n          grade\n          status\n          cooperative {\n            id\n            name\n          }\n        }\n      }\n      awards {\n        id\n        quantity\n        unitPrice\n        offer {\n          cooperative {\n            name\n          }\n        }\n        order {\n          id\n          number\n        }\n      }\n    }\n  }\n}",
  mutation: false,
};

export type CloseBiddingResult = {
  closeBidding: {
    id: string;
    status: DemandStatus;
  };
};
export type CloseBiddingVariables = {
  demandId: string;
};
export const CloseBidding: TypedDocument<CloseBiddingResult, CloseBiddingVariables> = {
  name: 'CloseBidding',
  source: "mutation CloseBidding($demandId: ID!) {\n  closeBidding(demandId: $demandId) {\n    id\n    status\n  }\n}",
  mutation: true,
};

export type OrdersResult = {
  purchaseOrders: {
    edges: Array<{
      node: {
        id: string;
        number: string;
        status: OrderStatus;
        deliveryDate: string;
        total: number;
        kitchen: {
          name: string;
        };
        cooperative: {
          name: string;
        };
      };
    }>;
    pageInfo: {
      hasNextPage: boolean;
      endCursor: string | null;
    };
  };
};
export type OrdersVariables = {
  after?: string | null;
};
export const Orders: TypedDocument<OrdersResult, OrdersVariables> = {
  name: 'Orders',
  source: "query Orders($after: String) {\n  purchaseOrders(first: 20, after: $after) {\n    edges {\n      node {\n        id\n        number\n        status\n        deliveryDate\n        total\n        kitchen {\n          name\n        }\n        cooperative {\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}",
  mutation: false,
};

export type OrderResult = {
  purchaseOrders: {
    edges: Array<{
      node: {
        id: string;
        number: string;
        status: OrderStatus;
        deliveryDate: string;
        deliverBy: string;
        total: number;
        dispatchedAt: string | null;
        receivedAt: string | null;
        declineReason: string | null;
        inspectorName: string | null;
        temperatureCelsius: number | null;
        photoUrl: string | null;
        kitchen: {
          id: string;
          name: string;
        };
        cooperative: {
          id: string;
          name: string;
        };
        lines: Array<{
          id: string;
          quantity: number;
          unitPrice: number;
          acceptedQuantity: number | null;
          rejectedQuantity: number | null;
          rejectionReason: string | null;
          commodity: {
            code: string;
            name: string;
            nameId: string;
            baseUnit: string;
          };
        }>;
      };
    }>;
  };
};
export type OrderVariables = {
  status?: OrderStatus | null;
};
export const Order: TypedDocument<OrderResult, OrderVariables> = {
  name: 'Order',
  source: "query Order($status: OrderStatus) {\n  purchaseOrders(first: 100, status: $status) {\n    edges {\n      node {\n        id\n        number\n        status\n        deliveryDate\n        deliverBy\n        total\n        dispatchedAt\n        receivedAt\n        declineReason\n        inspectorName\n        temperatureCelsius\n        photoUrl\n        kitchen {\n          id\n          name\n        }\n        cooperative {\n          id\n          name\n        }\n        lines {\n          id\n          quantity\n          unitPrice\n          acceptedQuantity\n          rejectedQuantity\n          rejectionReason\n          commodity {\n            code\n            name\n            nameId\n            baseUnit\n          }\n        }\n      }\n    }\n  }\n}",
  mutation: false,
};

export type ReceiveOrderResult = {
  receiveOrder: {
    id: string;
    status: OrderStatus;
  };
};
export type ReceiveOrderVariables = {
  input: ReceiveOrderInput;
};
export const ReceiveOrder: TypedDocument<ReceiveOrderResult, ReceiveOrderVariables> = {
  name: 'ReceiveOrder',
  source: "mutation ReceiveOrder($input: ReceiveOrderInput!) {\n  receiveOrder(input: $input) {\n    id\n    status\n  }\n}",
  mutation: true,
};

export type DispatchOrderResult = {
  dispatchOrder: {
    id: string;
    status: OrderStatus;
  };
};
export type DispatchOrderVariables = {
  id: string;
};
export const DispatchOrder: TypedDocument<DispatchOrderResult, DispatchOrderVariables> = {
  name: 'DispatchOrder',
  source: "mutation DispatchOrder($id: ID!) {\n  dispatchOrder(id: $id) {\n    id\n    status\n  }\n}",
  mutation: true,
};

export type DeclineOrderResult = {
  declineOrder: {
    id: string;
    status: OrderStatus;
  };
};
export type DeclineOrderVariables = {
  id: string;
  reason: string;
};
export const DeclineOrder: TypedDocument<DeclineOrderResult, DeclineOrderVariables> = {
  name: 'DeclineOrder',
  source: "mutation DeclineOrder($id: ID!, $reason: String!) {\n  declineOrder(id: $id, reason: $reason) {\n    id\n    status\n  }\n}",
  mutation: true,
};

export type InvoicesResult = {
  invoices: {
    edges: Array<{
      node: {
        id: string;
        number: string;
        status: InvoiceStatus;
        total: number;
        paid: number;
        issuedAt: string;
        cooperative: {
          name: string;
        };
        kitchen: {
          name: string;
        };
        order: {
          id: string;
          number: string;
        };
      };
    }>;
    pageInfo: {
      hasNextPage: boolean;
      endCursor: string | null;
    };
  };
};
export type InvoicesVariables = {
  after?: string | null;
};
export const Invoices: TypedDocument<InvoicesResult, InvoicesVariables> = {
  name: 'Invoices',
  source: "query Invoices($after: String) {\n  invoices(first: 20, after: $after) {\n    edges {\n      node {\n        id\n        number\n        status\n        total\n        paid\n        issuedAt\n        cooperative {\n          name\n        }\n        kitchen {\n          name\n        }\n        order {\n          id\n          number\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}",
  mutation: false,
};

export type RecordPaymentResult = {
  recordPayment: {
    id: string;
    paid: number;
    status: InvoiceStatus;
  };
};
export type RecordPaymentVariables = {
  invoiceId: string;
  amount: number;
  reference: string;
};
export const RecordPayment: TypedDocument<RecordPaymentResult, RecordPaymentVariables> = {
  name: 'RecordPayment',
  source: "mutation RecordPayment($invoiceId: ID!, $amount: Rupiah!, $reference: String!) {\n  recordPayment(invoiceId: $invoiceId, amount: $amount, reference: $reference) {\n    id\n    paid\n    status\n  }\n}",
  mutation: true,
};

export type OpenDemandLinesResult = {
  openDemandLines: {
    edges: Array<{
      node: {
        id: string;
        quantity: number;
        maxUnitPrice: number | null;
        minGrade: QualityGrade | null;
        commodity: {
          code: string;
          name: string;
          nameId: string;
          baseUnit: string;
        };
        demand: {
          id: string;
          deliveryDate: string;
          biddingClosesAt: string;
          kitchen: {
            name: string;
          };
        };
      };
    }>;
    pageInfo: {
      hasNextPage: boolean;
      endCursor: string | null;
    };
  };
  myStockLots: {
    edges: Array<{
      node: {
        id: string;
        availableQuantity: number;
        grade: QualityGrade;
        unitCost: number | null;
        commodity: {
          code: string;
        };
      };
    }>;
  };
};
export type OpenDemandLinesVariables = {
  after?: string | null;
};
export const OpenDemandLines: TypedDocument<OpenDemandLinesResult, OpenDemandLinesVariables> = {
  name: 'OpenDemandLines',
  source: "query OpenDemandLines($after: String) {\n  openDemandLines(first: 50, after: $after) {\n    edges {\n      node {\n        id\n        quantity\n        maxUnitPrice\n        minGrade\n        commodity {\n          code\n          name\n          nameId\n          baseUnit\n        }\n        demand {\n          id\n          deliveryDate\n          biddingClosesAt\n          kitchen {\n            name\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n  myStockLots(first: 200) {\n    edges {\n      node {\n        id\n        availableQuantity\n        grade\n        unitCost\n        commodity {\n          code\n        }\n      }\n    }\n  }\n}",
  mutation: false,
};

export type StockLotsResult = {
  myStockLots: {
    edges: Array<{
      node: {
        id: string;
        quantity: number;
        availableQuantity: number;
        grade: QualityGrade;
        source: StockSource;
        unitCost: number | null;
        expiresOn: string | null;
        returnedAt: string | null;
        consignor: {
          name: string;
        } | null;
        commodity: {
          code: string;
          name: string;
          nameId: string;
          baseUnit: string;
        };
      };
    }>;
    pageInfo: {
      hasNextPage: boolean;
      endCursor: string | null;
    };
  };
};
export type StockLotsVariables = {
  after?: string | null;
};
export const StockLots: TypedDocument<StockLotsResult, StockLotsVariables> = {
  name: 'StockLots',
  source: "query StockLots($after: String) {\n  myStockLots(first: 50, after: $after) {\n    edges {\n      node {\n        id\n        quantity\n        availableQuantity\n        grade\n        source\n        unitCost\n        expiresOn\n        returnedAt\n        consignor {\n          name\n        }\n        commodity {\n          code\n          name\n          nameId\n          baseUnit\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}",
  mutation: false,
};

export type ConsignorsResult = {
  organizations: {
    edges: Array<{
      node: {
        id: string;
        name: string;
      };
    }>;
  };
};
export type ConsignorsVariables = {
  regionCode: string;
};
export const Consignors: TypedDocument<ConsignorsResult, ConsignorsVariables> = {
  name: 'Consignors',
  source: "query Consignors($regionCode: String!) {\n  organizations(kind: CONSIGNOR, regionCode: $regionCode, first: 200) {\n    edges {\n      node {\n        id\n        name\n      }\n    }\n  }\n}",
  mutation: false,
};

export type AddStockLotResult = {
  addStockLot: {
    id: string;
  };
};
export type AddStockLotVariables = {
  input: StockLotInput;
};
export const AddStockLot: TypedDocument<AddStockLotResult, AddStockLotVariables> = {
  name: 'AddStockLot',
  source: "mutation AddStockLot($input: StockLotInput!) {\n  addStockLot(input: $input) {\n    id\n  }\n}",
  mutation: true,
};

export type SubmitOffersResult = {
  submitOffers: Array<{
    id: string;
    status: OfferStatus;
  }>;
};
export type SubmitOffersVariables = {
  input: Array<OfferInput>;
};
export const SubmitOffers: TypedDocument<SubmitOffersResult, SubmitOffersVariables> = {
  name: 'SubmitOffers',
  source: "mutation SubmitOffers($input: [OfferInput!]!) {\n  submitOffers(input: $input) {\n    id\n    status\n  }\n}",
  mutation: true,
};

export type MyOffersResult = {
  myOffers: {
    edges: Array<{
      node: {
        id: string;
        quantity: number;
        unitPrice: number;
        status: OfferStatus;
        line: {
          id: string;
          quantity: number;
          commodity: {
            code: string;
            name: string;
            nameId: string;
            baseUnit: string;
          };
          demand: {
            id: string;
            deliveryDate: string;
            kitchen: {
              name: string;
            };
          };
          evaluations: Array<{
            rank: number;
            awardedQuantity: number;
            explanation: string;
            explanationId: string;
            offer: {
              id: string;
            };
          }>;
          awards: Array<{
            unitPrice: number;
          }>;
        };
      };
    }>;
    pageInfo: {
      hasNextPage: boolean;
      endCursor: string | null;
    };
  };
};
export type MyOffersVariables = {
  after?: string | null;
};
export const MyOffers: TypedDocument<MyOffersResult, MyOffersVariables> = {
  name: 'MyOffers',
  source: "query MyOffers($after: String) {\n  myOffers(first: 50, after: $after) {\n    edges {\n      node {\n        id\n        quantity\n        unitPrice\n        status\n        line {\n          id\n          quantity\n          commodity {\n            code\n            name\n            nameId\n            baseUnit\n          }\n          demand {\n            id\n            deliveryDate\n            kitchen {\n              name\n            }\n          }\n          evaluations {\n            rank\n            awardedQuantity\n            explanation\n            explanationId\n            offer {\n              id\n            }\n          }\n          awards {\n            unitPrice\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}",
  mutation: false,
};

export type PayablesResult = {
  consignmentPayables: {
    edges: Array<{
      node: {
        id: string;
        quantity: number;
        amount: number;
        status: PayableStatus;
        consignor: {
          name: string;
        };
        stockLot: {
          commodity: {
            nameId: string;
            name: string;
            baseUnit: string;
          };
        };
      };
    }>;
  };
  consignorStatements: Array<{
    soldQuantity: number;
    owed: number;
    paid: number;
    consignor: {
      id: string;
      name: string;
    };
  }>;
};
export type PayablesVariables = Record<string, never>;
export const Payables: TypedDocument<PayablesResult, PayablesVariables> = {
  name: 'Payables',
  source: "query Payables {\n  consignmentPayables(first: 200, status: OPEN) {\n    edges {\n      node {\n        id\n        quantity\n        amount\n        status\n        consignor {\n          name\n        }\n        stockLot {\n          commodity {\n            nameId\n            name\n            baseUnit\n          }\n        }\n      }\n    }\n  }\n  consignorStatements {\n    soldQuantity\n    owed\n    paid\n    consignor {\n      id\n      name\n    }\n  }\n}",
  mutation: false,
};

export type SettleConsignmentResult = {
  settleConsignment: Array<{
    id: string;
    status: PayableStatus;
  }>;
};
export type SettleConsignmentVariables = {
  payableIds: Array<string>;
  reference: string;
};
export const SettleConsignment: TypedDocument<SettleConsignmentResult, SettleConsignmentVariables> = {
  name: 'SettleConsignment',
  source: "mutation SettleConsignment($payableIds: [ID!]!, $reference: String!) {\n  settleConsignment(payableIds: $payableIds, reference: $reference) {\n    id\n    status\n  }\n}",
  mutation: true,
};

export type RegionOverviewResult = {
  fulfilmentReport: {
    demandedQuantity: number;
    awardedQuantity: number;
    receivedQuantity: number;
    fillRate: number;
    onTimeRate: number;
    rejectionRate: number;
    spend: number;
    spendAtReference: number;
    byCooperative: Array<{
      cooperative: {
        id: string;
        name: string;
      };
      awardedQuantity: number;
      receivedQuantity: number;
      rejectionRate: number;
      revenue: number;
    }>;
  };
  alerts: Array<{
    id: string;
    kind: string;
    message: string;
    messageId: string;
    createdAt: string;
  }>;
};
export type RegionOverviewVariables = {
  regionCode: string;
  from: string;
  to: string;
};
export const RegionOverview: TypedDocument<RegionOverviewResult, RegionOverviewVariables> = {
  name: 'RegionOverview',
  source: "query RegionOverview($regionCode: String!, $from: Date!, $to: Date!) {\n  fulfilmentReport(regionCode: $regionCode, from: $from, to: $to) {\n    demandedQuantity\n    awardedQuantity\n    receivedQuantity\n    fillRate\n    onTimeRate\n    rejectionRate\n    spend\n    spendAtReference\n    byCooperative {\n      cooperative {\n        id\n        name\n      }\n      awardedQuantity\n      receivedQuantity\n      rejectionRate\n      revenue\n    }\n  }\n  alerts(regionCode: $regionCode) {\n    id\n    kind\n    message\n    messageId\n    createdAt\n  }\n}",
  mutation: false,
};

export type MarketActivityResult = {
  marketActivity: {
    at: string;
    kind: string;
    regionCode: string;
    entityType: string;
    entityId: string;
    summary: string;
  };
};
export type MarketActivityVariables = {
  regionCode: string;
};
export const MarketActivity: TypedDocument<MarketActivityResult, MarketActivityVariables> = {
  name: 'MarketActivity',
  source: "subscription MarketActivity($regionCode: String!) {\n  marketActivity(regionCode: $regionCode) {\n    at\n    kind\n    regionCode\n    entityType\n    entityId\n    summary\n  }\n}",
  mutation: false,
};

export type NotificationAddedResult = {
  notificationAdded: {
    id: string;
    kind: NotificationKind;
    title: string;
    body: string;
    entityType: string | null;
    entityId: string | null;
    createdAt: string;
    readAt: string | null;
  };
};
export type NotificationAddedVariables = Record<string, never>;
export const NotificationAdded: TypedDocument<NotificationAddedResult, NotificationAddedVariables> = {
  name: 'NotificationAdded',
  source: "subscription NotificationAdded {\n  notificationAdded {\n    id\n    kind\n    title\n    body\n    entityType\n    entityId\n    createdAt\n    readAt\n  }\n}",
  mutation: false,
};

export type CoordinatorDashboardResult = {
  fulfilmentReport: {
    demandedQuantity: number;
    awardedQuantity: number;
    receivedQuantity: number;
    fillRate: number;
    onTimeRate: number;
    rejectionRate: number;
    spend: number;
    spendAtReference: number;
    byCommodity: Array<{
      commodity: {
        code: string;
        name: string;
        nameId: string;
      };
      demandedQuantity: number;
      receivedQuantity: number;
      spend: number;
      averageUnitPrice: number | null;
      referenceUnitPrice: number | null;
    }>;
  };
  kitchenCompliance: Array<{
    kitchen: {
      id: string;
      name: string;
    };
    budgetPerPortion: number;
    costPerPortion: number | null;
    distinctSuppliers: number;
    minSuppliersPerKitchen: number;
    meetsSupplierRule: boolean;
    localShare: number;
    portions: number;
    spend: number;
    hasValidSlhs: boolean;
  }>;
  publicScorecards: Array<{
    kitchen: {
      id: string;
      name: string;
    };
    fillRate: number;
    onTimeRate: number;
  }>;
  alerts: Array<{
    id: string;
    kind: string;
    message: string;
    messageId: string;
    entityId: string;
    createdAt: string;
  }>;
};
export type CoordinatorDashboardVariables = {
  regionCode: string;
  from: string;
  to: string;
};
export const CoordinatorDashboard: TypedDocument<CoordinatorDashboardResult, CoordinatorDashboardVariables> = {
  name: 'CoordinatorDashboard',
  source: "query CoordinatorDashboard($regionCode: String!, $from: Date!, $to: Date!) {\n  fulfilmentReport(regionCode: $regionCode, from: $from, to: $to) {\n    demandedQuantity\n    awardedQuantity\n    receivedQuantity\n    fillRate\n    onTimeRate\n    rejectionRate\n    spend\n    spendAtReference\n    byCommodity {\n      commodity {\n        code\n        name\n        nameId\n      }\n      demandedQuantity\n      receivedQuantity\n      spend\n      averageUnitPrice\n      referenceUnitPrice\n    }\n  }\n  kitchenCompliance(regionCode: $regionCode, from: $from, to: $to) {\n    kitchen {\n      id\n      name\n    }\n    budgetPerPortion\n    costPerPortion\n    distinctSuppliers\n    minSuppliersPerKitchen\n    meetsSupplierRule\n    localShare\n    portions\n    spend\n    hasValidSlhs\n  }\n  publicScorecards(regionCode: $regionCode, from: $from, to: $to) {\n    kitchen {\n      id\n      name\n    }\n    fillRate\n    onTimeRate\n  }\n  alerts(regionCode: $regionCode) {\n    id\n    kind\n    message\n    messageId\n    entityId\n    createdAt\n  }\n}",
  mutation: false,
};

export type DayFulfilmentResult = {
  fulfilmentReport: {
    demandedQuantity: number;
    fillRate: number;
    onTimeRate: number;
  };
};
export type DayFulfilmentVariables = {
  regionCode: string;
  from: string;
  to: string;
};
export const DayFulfilment: TypedDocument<DayFulfilmentResult, DayFulfilmentVariables> = {
  name: 'DayFulfilment',
  source: "query DayFulfilment($regionCode: String!, $from: Date!, $to: Date!) {\n  fulfilmentReport(regionCode: $regionCode, from: $from, to: $to) {\n    demandedQuantity\n    fillRate\n    onTimeRate\n  }\n}",
  mutation: false,
};

export type AuditTrailResult = {
  auditTrail: Array<{
    action: string;
    at: string;
    entityType: string;
    entityId: string;
    before: string | null;
    after: string | null;
    actor: {
      id: string;
      name: string;
    } | null;
  }>;
};
export type AuditTrailVariables = {
  entityId: string;
};
export const AuditTrail: TypedDocument<AuditTrailResult, AuditTrailVariables> = {
  name: 'AuditTrail',
  source: "query AuditTrail($entityId: ID!) {\n  auditTrail(entityId: $entityId) {\n    action\n    at\n    entityType\n    entityId\n    before\n    after\n    actor {\n      id\n      name\n    }\n  }\n}",
  mutation: false,
};

export type RegionCooperativesResult = {
  organizations: {
    edges: Array<{
      node: {
        id: string;
        name: string;
        regionCode: string;
        suspended: boolean;
      };
    }>;
    pageInfo: {
      hasNextPage: boolean;
      endCursor: string | null;
    };
  };
  fulfilmentReport: {
    byCooperative: Array<{
      cooperative: {
        id: string;
      };
      awardedQuantity: number;
      receivedQuantity: number;
      rejectionRate: number;
      revenue: number;
    }>;
  };
};
export type RegionCooperativesVariables = {
  regionCode: string;
  after?: string | null;
  from: string;
  to: string;
};
export const RegionCooperatives: TypedDocument<RegionCooperativesResult, RegionCooperativesVariables> = {
  name: 'RegionCooperatives',
  source: "query RegionCooperatives($regionCode: String!, $after: String, $from: Date!, $to: Date!) {\n  organizations(\n    regionCode: $regionCode\n    kind: COOPERATIVE\n    first: 50\n    after: $after\n  ) {\n    edges {\n      node {\n        id\n        name\n        regionCode\n        suspended\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n  fulfilmentReport(regionCode: $regionCode, from: $from, to: $to) {\n    byCooperative {\n      cooperative {\n        id\n      }\n      awardedQuantity\n      receivedQuantity\n      rejectionRate\n      revenue\n    }\n  }\n}",
  mutation: false,
};

export type SuspendCooperativeResult = {
  suspendCooperative: {
    id: string;
    suspended: boolean;
  };
};
export type SuspendCooperativeVariables = {
  id: string;
  reason: string;
};
export const SuspendCooperative: TypedDocument<SuspendCooperativeResult, SuspendCooperativeVariables> = {
  name: 'SuspendCooperative',
  source: "mutation SuspendCooperative($id: ID!, $reason: String!) {\n  suspendCooperative(id: $id, reason: $reason) {\n    id\n    suspended\n  }\n}",
  mutation: true,
};

export type ReinstateCooperativeResult = {
  reinstateCooperative: {
    id: string;
    suspended: boolean;
  };
};
export type ReinstateCooperativeVariables = {
  id: string;
};
export const ReinstateCooperative: TypedDocument<ReinstateCooperativeResult, ReinstateCooperativeVariables> = {
  name: 'ReinstateCooperative',
  source: "mutation ReinstateCooperative($id: ID!) {\n  reinstateCooperative(id: $id) {\n    id\n    suspended\n  }\n}",
  mutation: true,
};

export type MarketPolicyOfResult = {
  marketPolicy: {
    regionCode: string;
    maxSuppliersPerLine: number;
    minSuppliersPerKitchen: number;
    budgetPerPortion: number;
    diversityTolerance: number | null;
    defaultWeights: {
      price: number;
      quality: number;
      distance: number;
      reliability: number;
    };
    minAwardQuantities: Array<{
      commodity: {
        code: string;
      };
      quantity: number;
    }>;
    requiredCertificates: Array<{
      commodity: {
        code: string;
      };
      kind: CertificateKind;
    }>;
  };
  commodities: Array<{
    code: string;
    name: string;
    nameId: string;
  }>;
};
export type MarketPolicyOfVariables = {
  regionCode: string;
};
export const MarketPolicyOf: TypedDocument<MarketPolicyOfResult, MarketPolicyOfVariables> = {
  name: 'MarketPolicyOf',
  source: "query MarketPolicyOf($regionCode: String!) {\n  marketPolicy(regionCode: $regionCode) {\n    regionCode\n    maxSuppliersPerLine\n    minSuppliersPerKitchen\n    budgetPerPortion\n    diversityTolerance\n    defaultWeights {\n      price\n      quality\n      distance\n      reliability\n    }\n    minAwardQuantities {\n      commodity {\n        code\n      }\n      quantity\n    }\n    requiredCertificates {\n      commodity {\n        code\n      }\n      kind\n    }\n  }\n  commodities {\n    code\n    name\n    nameId\n  }\n}",
  mutation: false,
};

export type UpdateMarketPolicyResult = {
  updateMarketPolicy: {
    regionCode: string;
    maxSuppliersPerLine: number;
    minSuppliersPerKitchen: number;
    budgetPerPortion: number;
  };
};
export type UpdateMarketPolicyVariables = {
  input: MarketPolicyInput;
};
export const UpdateMarketPolicy: TypedDocument<UpdateMarketPolicyResult, UpdateMarketPolicyVariables> = {
  name: 'UpdateMarketPolicy',
  source: "mutation UpdateMarketPolicy($input: MarketPolicyInput!) {\n  updateMarketPolicy(input: $input) {\n    regionCode\n    maxSuppliersPerLine\n    minSuppliersPerKitchen\n    budgetPerPortion\n  }\n}",
  mutation: true,
};

export type RegionOrganizationsResult = {
  organizations: {
    edges: Array<{
      node: {
        id: string;
        name: string;
        kind: OrganizationKind;
        regionCode: string;
        suspended: boolean;
      };
    }>;
    pageInfo: {
      hasNextPage: boolean;
      endCursor: string | null;
    };
  };
};
export type RegionOrganizationsVariables = {
  regionCode: string;
  after?: string | null;
};
export const RegionOrganizations: TypedDocument<RegionOrganizationsResult, RegionOrganizationsVariables> = {
  name: 'RegionOrganizations',
  source: "query RegionOrganizations($regionCode: String!, $after: String) {\n  organizations(regionCode: $regionCode, first: 50, after: $after) {\n    edges {\n      node {\n        id\n        name\n        kind\n        regionCode\n        suspended\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}",
  mutation: false,
};

export type RegisterOrganizationResult = {
  registerOrganization: {
    id: string;
    name: string;
    kind: OrganizationKind;
  };
};
export type RegisterOrganizationVariables = {
  input: OrganizationInput;
};
export const RegisterOrganization: TypedDocument<RegisterOrganizationResult, RegisterOrganizationVariables> = {
  name: 'RegisterOrganization',
  source: "mutation RegisterOrganization($input: OrganizationInput!) {\n  registerOrganization(input: $input) {\n    id\n    name\n    kind\n  }\n}",
  mutation: true,
};

export type CreateUserResult = {
  createUser: {
    id: string;
    name: string;
    email: string;
    role: Role;
  };
};
export type CreateUserVariables = {
  input: UserInput;
};
export const CreateUser: TypedDocument<CreateUserResult, CreateUserVariables> = {
  name: 'CreateUser',
  source: "mutation CreateUser($input: UserInput!) {\n  createUser(input: $input) {\n    id\n    name\n    email\n    role\n  }\n}",
  mutation: true,
};

export type PublicScorecardsResult = {
  publicScorecards: Array<{
    kitchen: {
      id: string;
      name: string;
    };
    costPerPortion: number | null;
    localShare: number;
    distinctSuppliers: number;
    fillRate: number;
    onTimeRate: number;
  }>;
};
export type PublicScorecardsVariables = {
  regionCode: string;
  from: string;
  to: string;
};
export const PublicScorecards: TypedDocument<PublicScorecardsResult, PublicScorecardsVariables> = {
  name: 'PublicScorecards',
  source: "query PublicScorecards($regionCode: String!, $from: Date!, $to: Date!) {\n  publicScorecards(regionCode: $regionCode, from: $from, to: $to) {\n    kitchen {\n      id\n      name\n    }\n    costPerPortion\n    localShare\n    distinctSuppliers\n    fillRate\n    onTimeRate\n  }\n}",
  mutation: false,
};
